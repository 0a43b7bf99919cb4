/// Which host (source) each input's traffic is stored under, and the inputs grouped by it:
/// one ingest run may read the files of several Kubernetes workloads, each its own source
/// with its own ledger.
public struct HostGroup: Equatable, Sendable {
    /// The host, or nil for this machine's name (the store's default).
    public var host: String?
    /// The inputs of this host, in the order given.
    public var paths: [String]
    /// Where each of `paths` was in the list given.
    public var positions: [Int]
}

public enum SourceHosts {
    /// The host of `path`: `explicit` when given (`ingest --host`, a config source's `host`),
    /// else `namespace/workload` for a file under a kubelet log directory, else nil.
    public static func host(of path: String, explicit: String?) -> String? {
        if let explicit { return explicit }
        guard path != "-" else { return nil }
        return KubernetesWorkload.source(ofPath: path)
    }

    /// `paths` grouped by host, groups in the order of their first input.
    public static func groups(of paths: [String], explicit: String?) -> [HostGroup] {
        var groups: [HostGroup] = []
        for (position, path) in paths.enumerated() {
            let host = host(of: path, explicit: explicit)
            if let index = groups.firstIndex(where: { $0.host == host }) {
                groups[index].paths.append(path)
                groups[index].positions.append(position)
            } else {
                groups.append(HostGroup(host: host, paths: [path], positions: [position]))
            }
        }
        return groups
    }
}
