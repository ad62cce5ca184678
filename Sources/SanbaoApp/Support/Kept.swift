import NIOConcurrencyHelpers
import NIOCore

/// A value read from the database and kept for a short while (the ledger's settings, the
/// working-day calendar): this process drops it at once after its own change (`drop`), and
/// every other instance — or a server beside a command line that changed it — reads it again
/// within `ttl`, the staleness `docs/operations.md` promises.
final class Kept<Value: Sendable>: Sendable {
    private let box = NIOLockedValueBox<(value: Value, until: NIODeadline)?>(nil)
    let ttl: TimeAmount

    init(ttl: TimeAmount = .seconds(2)) { self.ttl = ttl }

    func value(_ read: () async throws -> Value) async throws -> Value {
        if let kept = box.withLockedValue({ $0 }), kept.until > .now() { return kept.value }
        let value = try await read()
        box.withLockedValue { $0 = (value, .now() + ttl) }
        return value
    }

    func drop() { box.withLockedValue { $0 = nil } }
}
