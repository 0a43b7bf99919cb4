/// The dot paths a JSON format reads (`status`, `request.uri`, `resp_headers.X-Error-Code`),
/// compiled into a tree of small hash tables so that the scanner decides for each key it
/// meets, with one hash and usually one comparison, whether to capture its value, descend
/// into it or skip it.
///
/// Keys match without regard to ASCII case (`Retry-After` and `retry-after` are one header).
/// A key that itself contains dots (`"http.status_code": 200`, as flattened loggers write)
/// matches the nested path `http.status_code` too. Immutable once built; shared by threads.
final class JSONPathTree: @unchecked Sendable {
    struct Node {
        /// The capture slot of the path ending here, or -1.
        var slot: Int32 = -1
        var tableStart: Int32 = 0
        /// Table size minus one, or -1 for a leaf.
        var tableMask: Int32 = -1
    }

    struct Entry {
        var keyStart: Int32
        var keyLength: Int32
        var node: Int32
    }

    let nodes: UnsafeMutablePointer<Node>
    let entries: UnsafeMutablePointer<Entry>
    let table: UnsafeMutablePointer<Int32>
    let keys: UnsafeMutablePointer<UInt8>
    let slotCount: Int

    /// Slot `i` captures `paths[i]` (a list of key segments).
    init(paths: [[String]]) {
        final class Builder {
            var slot: Int32 = -1
            var children: [(key: [UInt8], node: Builder)] = []
            func child(_ key: [UInt8]) -> Builder {
                if let hit = children.first(where: { Self.same($0.key, key) }) { return hit.node }
                let node = Builder()
                children.append((key, node))
                return node
            }
            static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
                a.count == b.count && zip(a, b).allSatisfy { ByteScanning.lower($0) == ByteScanning.lower($1) }
            }
        }
        let root = Builder()
        for (index, path) in paths.enumerated() {
            var node = root
            for segment in path { node = node.child(Array(segment.utf8)) }
            if node.slot < 0 { node.slot = Int32(index) }
        }
        // Flatten breadth-first; each node's entries are its children plus its descendants
        // under their dotted names.
        var order: [Builder] = [root]
        var index: [ObjectIdentifier: Int32] = [ObjectIdentifier(root): 0]
        var k = 0
        while k < order.count {
            for child in order[k].children where index[ObjectIdentifier(child.node)] == nil {
                index[ObjectIdentifier(child.node)] = Int32(order.count)
                order.append(child.node)
            }
            k += 1
        }
        var nodeList: [Node] = []
        var entryList: [Entry] = []
        var tableList: [Int32] = []
        var keyBytes: [UInt8] = []
        func descendants(_ node: Builder, prefix: [UInt8], into out: inout [(key: [UInt8], node: Builder)]) {
            for child in node.children {
                let key = prefix.isEmpty ? child.key : prefix + [UInt8(ascii: ".")] + child.key
                out.append((key, child.node))
                descendants(child.node, prefix: key, into: &out)
            }
        }
        for node in order {
            var info = Node(slot: node.slot)
            var all: [(key: [UInt8], node: Builder)] = []
            descendants(node, prefix: [], into: &all)
            if !all.isEmpty {
                var size = 4
                while size < all.count * 2 { size *= 2 }
                info.tableStart = Int32(tableList.count)
                info.tableMask = Int32(size - 1)
                var slots = [Int32](repeating: -1, count: size)
                for (key, target) in all {
                    let entry = Int32(entryList.count)
                    entryList.append(Entry(keyStart: Int32(keyBytes.count), keyLength: Int32(key.count), node: index[ObjectIdentifier(target)]!))
                    keyBytes += key
                    var h = key.withUnsafeBufferPointer { Self.hash($0.baseAddress!, key.count) } & (size - 1)
                    while slots[h] >= 0 { h = (h + 1) & (size - 1) }
                    slots[h] = entry
                }
                tableList += slots
            }
            nodeList.append(info)
        }
        slotCount = paths.count
        nodes = .allocate(capacity: max(nodeList.count, 1))
        nodes.initialize(from: nodeList, count: nodeList.count)
        entries = .allocate(capacity: max(entryList.count, 1))
        entries.initialize(from: entryList, count: entryList.count)
        table = .allocate(capacity: max(tableList.count, 1))
        table.initialize(from: tableList, count: tableList.count)
        keys = .allocate(capacity: max(keyBytes.count, 1))
        keys.initialize(from: keyBytes, count: keyBytes.count)
    }

    deinit {
        nodes.deallocate()
        entries.deallocate()
        table.deallocate()
        keys.deallocate()
    }

    @inline(__always)
    static func hash(_ key: UnsafePointer<UInt8>, _ length: Int) -> Int {
        // `| 0x20` folds letter case the same way for keys equal without regard to case.
        guard length > 0 else { return 0 }
        return length &* 31 &+ Int(key[0] | 0x20) &* 7 &+ Int(key[length - 1] | 0x20) &* 3 &+ Int(key[length >> 1] | 0x20)
    }

    /// Whether two keys are equal ignoring ASCII case: eight bytes at a time while they match
    /// exactly (loggers are consistent), byte by byte once they do not.
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        var i = 0
        while i + 8 <= length {
            if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) { break }
            i += 8
        }
        while i < length {
            let x = a[i], y = b[i]
            if x != y && ByteScanning.lower(x) != ByteScanning.lower(y) { return false }
            i += 1
        }
        return true
    }

    /// The node reached from `node` by `key`, or -1.
    @inline(__always)
    func lookup(_ node: Node, _ key: UnsafePointer<UInt8>, _ length: Int) -> Int32 {
        let mask = Int(node.tableMask)
        var h = Self.hash(key, length) & mask
        while true {
            let e = table[Int(node.tableStart) + h]
            if e < 0 { return -1 }
            let entry = entries[Int(e)]
            if Int(entry.keyLength) == length && Self.equal(keys + Int(entry.keyStart), key, length) { return entry.node }
            h = (h + 1) & mask
        }
    }
}
