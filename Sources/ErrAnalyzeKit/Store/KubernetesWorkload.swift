/// The source a Kubernetes container log file belongs to: `namespace/workload`, from the
/// file's path, never the ephemeral pod.
///
/// The kubelet keeps a container's log at
/// `/var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log` (rotated to
/// `<restart>.log.<YYYYMMDD-hhmmss>`, then compressed) and links it from
/// `/var/log/containers/<pod>_<namespace>_<container>-<container id>.log`.
///
/// A pod's name is its workload's name plus what the controller added:
/// - Deployment (through its ReplicaSet): `-<pod-template-hash>-<5 characters>`
///   (`api-gateway-7d9f8c6b5-x2k4p` → `api-gateway`);
/// - DaemonSet, Job: `-<5 characters>` (`fluent-bit-x2k4p` → `fluent-bit`);
/// - CronJob: `-<scheduled minute>-<5 characters>` (`report-29384756-x2k4p` → `report`);
/// - StatefulSet: `-<ordinal>` (`db-0` → `db`): the replicas of a StatefulSet are one
///   workload, as a Deployment's are.
/// The generated parts use Kubernetes' safe alphabet (`bcdfghjklmnpqrstvwxz2456789`: no
/// vowels, no 0, 1, 3), so a word of the workload's own name (`exporter`) is never taken for one.
public enum KubernetesWorkload {
    /// `namespace/workload` for a path under a kubelet log directory, or nil.
    public static func source(ofPath path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 2 else { return nil }
        // /var/log/containers/<pod>_<namespace>_<container>-<id>.log
        if parts[parts.count - 2] == "containers" {
            let fields = parts[parts.count - 1].split(separator: "_", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[2].contains(".log"), isName(fields[0]), isName(fields[1]) else { return nil }
            return "\(fields[1])/\(workload(ofPod: String(fields[0])))"
        }
        // /var/log/pods/<namespace>_<pod>_<uid>/<container>/<N>.log
        if parts.count >= 4, parts[parts.count - 4] == "pods", parts[parts.count - 1].contains(".log") {
            let fields = parts[parts.count - 3].split(separator: "_", omittingEmptySubsequences: false)
            guard fields.count == 3, isName(fields[0]), isName(fields[1]) else { return nil }
            return "\(fields[0])/\(workload(ofPod: String(fields[1])))"
        }
        return nil
    }

    /// The workload a pod of this name belongs to (see the type's description).
    public static func workload(ofPod pod: String) -> String {
        var segments = pod.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard segments.count >= 2 else { return pod }
        let last = segments[segments.count - 1]
        if last.count == 5 && isGenerated(last) {
            segments.removeLast()
            // A Deployment's pod-template hash, or a CronJob's scheduled minute.
            if segments.count >= 2, let previous = segments.last,
               (previous.count >= 6 && previous.count <= 10 && isGenerated(previous)) ||
               (previous.count >= 8 && previous.allSatisfy(\.isNumber)) {
                segments.removeLast()
            }
        } else if !last.isEmpty && last.count <= 5 && last.allSatisfy({ $0.isASCII && $0.isNumber }) {
            segments.removeLast()   // a StatefulSet's ordinal
        }
        return segments.joined(separator: "-")
    }

    private static let safeAlphabet = Set("bcdfghjklmnpqrstvwxz2456789")

    private static func isGenerated(_ text: String) -> Bool {
        text.allSatisfy { safeAlphabet.contains($0) }
    }

    /// A DNS label as Kubernetes names use: lower-case letters, digits and `-` (`.` too).
    private static func isName<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E }
    }
}
