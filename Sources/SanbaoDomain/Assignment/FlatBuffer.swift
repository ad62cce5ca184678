/// A growable run of plain values behind a raw pointer, freed by its owner. The solver's hot
/// loops index these millions of times; a Swift array held by a class would pay a uniqueness
/// and exclusivity check on each write.
struct FlatBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count: Int
    private var capacity: Int

    init(repeating value: Element, count: Int) {
        capacity = max(count, 4)
        base = .allocate(capacity: capacity)
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    init(_ values: [Element]) {
        let capacity = max(values.count, 4)
        let base = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        values.withUnsafeBufferPointer { if let source = $0.baseAddress { base.initialize(from: source, count: values.count) } }
        self.base = base
        self.capacity = capacity
        count = values.count
    }

    subscript(i: Int) -> Element {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }

    mutating func append(_ value: Element) {
        if count == capacity {
            let bigger = capacity * 2
            let moved = UnsafeMutablePointer<Element>.allocate(capacity: bigger)
            moved.moveInitialize(from: base, count: count)
            base.deallocate()
            base = moved
            capacity = bigger
        }
        (base + count).initialize(to: value)
        count += 1
    }

    mutating func removeLast() { count -= 1 }

    mutating func insert(_ value: Element, at i: Int) {
        append(value)
        var j = count - 1
        while j > i { base[j] = base[j - 1]; j -= 1 }
        base[i] = value
    }

    /// Forgets the elements but keeps the memory (for buffers reused by every search).
    mutating func truncate() { count = 0 }

    /// Called once by the owner's deinit; the elements are plain values.
    func free() { base.deallocate() }
}
