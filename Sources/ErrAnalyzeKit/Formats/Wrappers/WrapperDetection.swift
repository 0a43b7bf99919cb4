/// Detection of a container wrapper around a file's lines, before (or instead of) detecting
/// the format inside it: the inner format is detected on the application's lines, never on
/// the wrapped ones (a CRI line would otherwise read as `vhost_combined`).
extension FormatRegistry {
    /// The wrapper most of the non-blank `lines` are in, if any.
    static func wrapper(of lines: [UnsafeRawBufferPointer]) -> ContainerWrapperKind? {
        let candidates = lines.filter { $0.count > 0 }
        guard !candidates.isEmpty else { return nil }
        for kind in ContainerWrapperKind.allCases {
            let matching = candidates.reduce(0) { $0 + (kind.matches($1) ? 1 : 0) }
            if matching * 2 >= candidates.count { return kind }
        }
        return nil
    }

    /// The format of `lines`: a preset, or a preset inside a container wrapper.
    ///
    /// CRI and Docker lines are unmistakable. A timestamp before each line (`kubectl logs
    /// --timestamps`) is taken off unless the lines read better with it: a syslog line
    /// (HAProxy) also starts with an RFC 3339 timestamp. (On a tie the timestamp comes off:
    /// `vhost_combined` reads `2026-11-20T10:05:03Z 10.1.2.3 …` as a host and a port.)
    public static func detectWrapped(sample lines: [UnsafeRawBufferPointer]) -> LogFormat? {
        guard let kind = wrapper(of: lines) else { return detect(sample: lines) }
        let inner = kind.innerLines(lines)
        let found = inner.withUnsafeBufferViews { detectScored(sample: $0) }
        switch kind {
        case .cri, .docker:
            return found.map { kind.wrap($0.format) }
        case .timestamped:
            let raw = detectScored(sample: lines)
            guard let found, found.score >= raw?.score ?? 0 else { return raw?.format }
            return kind.wrap(found.format)
        }
    }

    /// `format` (given by the user: `--format`, `--log-format`, `--json-fields`) inside the
    /// wrapper `lines` are in, if any.
    public static func wrapping(_ format: LogFormat, sample lines: [UnsafeRawBufferPointer]) -> LogFormat {
        // Already wrapped (`--format cri+combined`).
        if let plus = format.name.firstIndex(of: "+"), ContainerWrapperKind(rawValue: String(format.name[..<plus])) != nil {
            return format
        }
        guard let kind = wrapper(of: lines) else { return format }
        switch kind {
        case .cri, .docker:
            return kind.wrap(format)
        case .timestamped:
            let inner = kind.innerLines(lines).withUnsafeBufferViews { score(format, on: $0).score }
            return inner > 0 && inner >= score(format, on: lines).score ? kind.wrap(format) : format
        }
    }

    /// `cri+combined`, `docker+json`…: the name a wrapped preset is recorded under.
    static func wrappedPreset(named name: String) -> LogFormat? {
        guard let plus = name.firstIndex(of: "+"),
              let kind = ContainerWrapperKind(rawValue: name[..<plus].lowercased()),
              let inner = preset(named: String(name[name.index(after: plus)...])) else { return nil }
        return kind.wrap(inner)
    }
}

extension Array where Element == [UInt8] {
    /// `body` with a view of each line (valid only during the call).
    func withUnsafeBufferViews<T>(_ body: ([UnsafeRawBufferPointer]) -> T) -> T {
        var views: [UnsafeRawBufferPointer] = []
        views.reserveCapacity(count)
        func next(_ index: Int) -> T {
            if index == count { return body(views) }
            return self[index].withUnsafeBytes { bytes in
                views.append(bytes)
                return next(index + 1)
            }
        }
        return next(0)
    }
}
