extension Array {
    /// The elements in consecutive slices of at most `size` (at least 1): the batches of a bulk call.
    public func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
