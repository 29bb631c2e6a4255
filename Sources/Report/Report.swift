import Report
