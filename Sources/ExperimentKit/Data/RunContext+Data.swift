// Data access for experiments: load a Fashion-MNIST split from the run's
// data folder and note its checksums in the provenance, in one call.
import Datasets

extension RunContext {
  /// The first `limit` images (all when nil) of `split`, checksums noted.
  public func fashionMNIST(_ split: FashionMNIST.Split, limit: Int? = nil) throws -> FashionMNIST {
    let data = try FashionMNIST.load(split, folder: dataFolder, limit: limit)
    for (name, sum) in data.checksums { usedData(name, checksum: sum) }
    return data
  }
}
