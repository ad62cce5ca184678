/// A 4-ary min-heap of (key, node) with lazy deletion: a node may be pushed again with a
/// smaller key and the stale entry is skipped when popped. Four children per level halve the
/// depth of a binary heap and keep a node's children in one cache line, which is where the
/// solver's Dijkstra searches spend their time.
struct QuaternaryHeap {
    private var keys: FlatBuffer<Int64>
    private var nodes: FlatBuffer<Int32>

    init() {
        keys = FlatBuffer(repeating: 0, count: 0)
        nodes = FlatBuffer(repeating: 0, count: 0)
    }

    func free() {
        keys.free()
        nodes.free()
    }

    var isEmpty: Bool { keys.count == 0 }
    var count: Int { keys.count }

    mutating func removeAll() {
        keys.truncate()
        nodes.truncate()
    }

    mutating func push(_ key: Int64, _ node: Int32) {
        keys.append(key)
        nodes.append(node)
        let k = keys.base, n = nodes.base
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) >> 2
            let pk = k[parent]
            if pk <= key { break }
            k[i] = pk
            n[i] = n[parent]
            i = parent
        }
        k[i] = key
        n[i] = node
    }

    mutating func pop() -> (key: Int64, node: Int32) {
        let k = keys.base, n = nodes.base
        let top = (k[0], n[0])
        let count = keys.count - 1
        let key = k[count]
        let node = n[count]
        keys.removeLast()
        nodes.removeLast()
        if count > 0 {
            var i = 0
            while true {
                let first = 4 * i + 1
                if first >= count { break }
                var best = first
                var bestKey = k[first]
                let last = min(first + 4, count)
                var c = first + 1
                while c < last {
                    let ck = k[c]
                    if ck < bestKey { best = c; bestKey = ck }
                    c += 1
                }
                if bestKey >= key { break }
                k[i] = bestKey
                n[i] = n[best]
                i = best
            }
            k[i] = key
            n[i] = node
        }
        return top
    }
}
