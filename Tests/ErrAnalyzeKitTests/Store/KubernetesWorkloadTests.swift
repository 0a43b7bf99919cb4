import Testing
@testable import ErrAnalyzeKit

@Suite struct KubernetesWorkloadTests {
    @Test func podNamesLoseWhatTheirControllerAdded() {
        #expect(KubernetesWorkload.workload(ofPod: "api-gateway-7d9f8c6b5-x2k4p") == "api-gateway")   // Deployment
        #expect(KubernetesWorkload.workload(ofPod: "web-5c98db65d4-2xb7k") == "web")
        #expect(KubernetesWorkload.workload(ofPod: "fluent-bit-x2k4p") == "fluent-bit")               // DaemonSet
        #expect(KubernetesWorkload.workload(ofPod: "node-exporter-9qz7m") == "node-exporter")
        #expect(KubernetesWorkload.workload(ofPod: "nightly-report-29384756-x2k4p") == "nightly-report") // CronJob
        #expect(KubernetesWorkload.workload(ofPod: "postgres-0") == "postgres")                        // StatefulSet
        #expect(KubernetesWorkload.workload(ofPod: "kafka-12") == "kafka")
        // A word of the name is not a generated suffix: it has vowels.
        #expect(KubernetesWorkload.workload(ofPod: "payments-worker") == "payments-worker")
        #expect(KubernetesWorkload.workload(ofPod: "standalone") == "standalone")
    }

    @Test func kubeletLogPathsNameNamespaceAndWorkload() {
        let containers = "/var/log/containers/api-gateway-7d9f8c6b5-x2k4p_shop_nginx-" + String(repeating: "a1", count: 32) + ".log"
        #expect(KubernetesWorkload.source(ofPath: containers) == "shop/api-gateway")
        let pods = "/var/log/pods/shop_api-gateway-7d9f8c6b5-x2k4p_0c6f0c52-5c7e-4a3b-9d1e-2f3a4b5c6d7e/nginx/"
        #expect(KubernetesWorkload.source(ofPath: pods + "0.log") == "shop/api-gateway")
        #expect(KubernetesWorkload.source(ofPath: pods + "0.log.20261120-100503") == "shop/api-gateway")
        #expect(KubernetesWorkload.source(ofPath: pods + "0.log.20261120-100503.gz") == "shop/api-gateway")
        #expect(KubernetesWorkload.source(ofPath: "/var/log/nginx/access.log") == nil)
        #expect(KubernetesWorkload.source(ofPath: "/var/log/containers/notakubeletname.log") == nil)
        #expect(KubernetesWorkload.source(ofPath: "-") == nil)
    }

    @Test func aWorkloadIsAValidHostName() {
        #expect(HostName.problem(with: "shop/api-gateway") == nil)
        #expect(HostName.problem(with: "kube-system/fluent-bit") == nil)
    }

    @Test func inputsAreGroupedByHostInTheOrderGivenAndAnExplicitHostWins() {
        let a = "/var/log/pods/shop_api-7d9f8c6b5-x2k4p_u1/app/0.log"
        let b = "/var/log/pods/shop_api-7d9f8c6b5-q8w2z_u2/app/0.log"
        let c = "/var/log/pods/kube-system_fluent-bit-9qz7m_u3/fluent-bit/0.log"
        let groups = SourceHosts.groups(of: [a, "/var/log/nginx/access.log", c, b], explicit: nil)
        #expect(groups == [
            HostGroup(host: "shop/api", paths: [a, b], positions: [0, 3]),
            HostGroup(host: nil, paths: ["/var/log/nginx/access.log"], positions: [1]),
            HostGroup(host: "kube-system/fluent-bit", paths: [c], positions: [2]),
        ])
        #expect(SourceHosts.groups(of: [a, c], explicit: "edge-1") == [HostGroup(host: "edge-1", paths: [a, c], positions: [0, 1])])
    }
}
