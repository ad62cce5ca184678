extension Array {
    /// The array in consecutive slices of at most `size` (multi-row inserts stay under the
    /// databases' bound-parameter limits).
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
