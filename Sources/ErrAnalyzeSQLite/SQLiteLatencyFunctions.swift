import ErrAnalyzeKit
import CSQLite

/// `latency_merge(a, b)`: the sum of two packed latency histograms (`PackedLatencyBuckets`),
/// what the latency upserts and the rollups' re-summing run on conflict. A NULL side gives the
/// other; bytes that are not a packed histogram are an error (the statement fails, the
/// transaction rolls back) rather than a silent loss.
private func latencyMerge(_ context: OpaquePointer?, _ argc: Int32, _ argv: UnsafeMutablePointer<OpaquePointer?>?) {
    guard argc == 2, let argv else { return }
    func bytes(_ value: OpaquePointer?) -> UnsafeRawBufferPointer? {
        guard sqlite3_value_type(value) != SQLITE_NULL else { return nil }
        let count = Int(sqlite3_value_bytes(value))
        guard count > 0, let base = sqlite3_value_blob(value) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base, count: count)
    }
    let a = bytes(argv[0]), b = bytes(argv[1])
    guard let merged = PackedLatencyBuckets.merge(a ?? UnsafeRawBufferPointer(start: nil, count: 0),
                                                  b ?? UnsafeRawBufferPointer(start: nil, count: 0)) else {
        sqlite3_result_error(context, "latency_merge: not a packed latency histogram", -1)
        return
    }
    merged.withUnsafeBytes { sqlite3_result_blob(context, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
}

/// `latency_total(a)`: the requests a packed histogram counts (for people reading the
/// database with SQL, and the tests).
private func latencyTotal(_ context: OpaquePointer?, _ argc: Int32, _ argv: UnsafeMutablePointer<OpaquePointer?>?) {
    guard argc == 1, let argv else { return }
    let count = Int(sqlite3_value_bytes(argv[0]))
    var total: Int64 = 0
    if count > 0, let base = sqlite3_value_blob(argv[0]) {
        guard PackedLatencyBuckets.forEach(UnsafeRawBufferPointer(start: base, count: count), { total += $1 }) else {
            sqlite3_result_error(context, "latency_total: not a packed latency histogram", -1)
            return
        }
    }
    sqlite3_result_int64(context, total)
}

extension SQLiteConnection {
    /// Registers the latency functions on this connection (every connection: each one may
    /// write or prune latency rows). Deterministic, so SQLite may use them anywhere.
    func registerLatencyFunctions() {
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC
        sqlite3_create_function_v2(handle, "latency_merge", 2, flags, nil, latencyMerge, nil, nil, nil)
        sqlite3_create_function_v2(handle, "latency_total", 1, flags, nil, latencyTotal, nil, nil, nil)
    }
}
