/// Initialisers of the store models for the stores in other targets of the package
/// (ErrAnalyzePostgres): a struct's memberwise initialiser is internal to its module.
extension LedgerEntry {
    package init(id: Int64, path: String, fingerprint: ContentFingerprint, format: String, compressed: Bool, bytesRead: Int64,
                 lines: Int64, requests: Int64, malformed: Int64, firstTimestamp: Int64?, lastTimestamp: Int64?,
                 firstIngested: Int64, lastIngested: Int64, anchor: ContentFingerprint?, endsMidLine: Bool,
                 sourceKey: String?, compression: Compression?, named: Void = ()) {
        self.id = id
        self.path = path
        self.fingerprint = fingerprint
        self.format = format
        self.compressed = compressed
        self.bytesRead = bytesRead
        self.lines = lines
        self.requests = requests
        self.malformed = malformed
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.firstIngested = firstIngested
        self.lastIngested = lastIngested
        self.anchor = anchor
        self.endsMidLine = endsMidLine
        self.sourceKey = sourceKey
        self.compression = compression
    }
}

extension StoreConflict {
    package init(conflictingPath path: String) {
        self.path = path
    }
}

extension TrafficGroup {
    package init(host: String, route: String, method: String, status: Int, code: String?, flags: UInt8, counts: TrafficCounts) {
        self.host = host
        self.route = route
        self.method = method
        self.status = status
        self.code = code
        self.flags = flags
        self.counts = counts
    }
}

extension HourlyStatusCount {
    package init(hour: Int32, status: Int, count requests: Int64) {
        self.hour = hour
        self.status = status
        self.requests = requests
    }
}

extension ClientErrorTotal {
    package init(client: String, errors: Int64, rateLimited: Int64, named: Void = ()) {
        self.client = client
        self.errors = errors
        self.rateLimited = rateLimited
    }
}

extension MalformedSummary {
    package init(total: Int64, byReason: [MalformedReason: Int64], samples: [Sample], named: Void = ()) {
        self.total = total
        self.byReason = byReason
        self.samples = samples
    }
}

extension MalformedSummary.Sample {
    package init(path: String, line: Int64, reason: MalformedReason, text: String, named: Void = ()) {
        self.path = path
        self.line = line
        self.reason = reason
        self.text = text
    }
}

extension StoreStatus {
    package init(location: String, schemaVersion: Int, sizeBytes: Int64, files: [File], malformed: [MalformedReasonTotal],
                 firstHour: Int32?, lastHour: Int32?, lastIngest: Int64?, lastPrune: Int64?, prunedBeforeHour: Int32?,
                 hosts: [Host]) {
        self.path = location
        self.schemaVersion = schemaVersion
        self.sizeBytes = sizeBytes
        self.files = files
        self.malformed = malformed
        self.firstHour = firstHour
        self.lastHour = lastHour
        self.lastIngest = lastIngest
        self.lastPrune = lastPrune
        self.prunedBeforeHour = prunedBeforeHour
        self.hosts = hosts
    }
}

extension StoreStatus.File {
    package init(entry: LedgerEntry, malformedByReason: [MalformedReason: Int64], named: Void = ()) {
        self.entry = entry
        self.malformedByReason = malformedByReason
    }
}

extension StoreStatus.MalformedReasonTotal {
    package init(reason: MalformedReason, count: Int64, files: Int, sample: MalformedSummary.Sample?, named: Void = ()) {
        self.reason = reason
        self.count = count
        self.files = files
        self.sample = sample
    }
}

extension StoreStatus.Host {
    package init(name: String, files: Int, requests: Int64, lastIngest: Int64?, named: Void = ()) {
        self.name = name
        self.files = files
        self.requests = requests
        self.lastIngest = lastIngest
    }
}

extension PruneResult {
    package init(beforeHour: Int32, firstRemovedHour: Int32?, lastRemovedHour: Int32?, trafficRows: Int64, clientRows: Int64,
                 requests: Int64, filesWithDetailsRemoved: Int, namesRemoved: Int64, filesKept: Int, dryRun: Bool, named: Void = ()) {
        self.beforeHour = beforeHour
        self.firstRemovedHour = firstRemovedHour
        self.lastRemovedHour = lastRemovedHour
        self.trafficRows = trafficRows
        self.clientRows = clientRows
        self.requests = requests
        self.filesWithDetailsRemoved = filesWithDetailsRemoved
        self.namesRemoved = namesRemoved
        self.filesKept = filesKept
        self.dryRun = dryRun
    }
}
