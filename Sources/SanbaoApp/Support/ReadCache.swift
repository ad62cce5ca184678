import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// A small read cache for the hottest API reads (who a bearer token is; a scoped page of
/// org units). Entries live at most `ttl` and die at once when this process serves any
/// write: every non-GET request bumps the generation after it completes, so what a user
/// writes through the server they read back at once. Writes from another process (a CLI
/// import next to a running server) show within `ttl`.
final class ReadCache<Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var generation: UInt64
        var expires: NIODeadline
    }

    private let state = NIOLockedValueBox<(generation: UInt64, entries: [String: Entry])>((0, [:]))
    let ttl: TimeAmount
    let capacity: Int

    init(ttl: TimeAmount = .seconds(2), capacity: Int = 10_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    func get(_ key: String) -> Value? {
        state.withLockedValue { s in
            guard let e = s.entries[key], e.generation == s.generation, e.expires > .now() else { return nil }
            return e.value
        }
    }

    /// Stores a value read under `generation` (taken before the read), so a value read
    /// before a write completed is never kept after it.
    func put(_ key: String, _ value: Value, readAt generation: UInt64) {
        state.withLockedValue { s in
            guard generation == s.generation else { return }
            if s.entries.count >= capacity { s.entries.removeAll(keepingCapacity: true) }
            s.entries[key] = Entry(value: value, generation: generation, expires: .now() + ttl)
        }
    }

    var generation: UInt64 { state.withLockedValue { $0.generation } }

    func invalidateAll() {
        state.withLockedValue { s in
            s.generation &+= 1
            s.entries.removeAll(keepingCapacity: true)
        }
    }
}

struct ReadCaches: Sendable {
    let principals = ReadCache<Principal>()
    let orgUnitPages = ReadCache<ByteBuffer>()

    func invalidateAll() {
        principals.invalidateAll()
        orgUnitPages.invalidateAll()
    }
}


/// Every request that may have written invalidates the read caches once it is done (after
/// its transaction committed), whatever it wrote and whether or not it succeeded.
struct InvalidateReadCachesMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard ![.GET, .HEAD, .OPTIONS].contains(req.method) else { return try await next.respond(to: req) }
        do {
            let response = try await next.respond(to: req)
            if !req.keepsReadCaches { req.application.readCaches.invalidateAll() }
            return response
        } catch {
            if !req.keepsReadCaches { req.application.readCaches.invalidateAll() }
            throw error
        }
    }
}

extension Request {
    private struct KeepsReadCachesKey: StorageKey { typealias Value = Bool }

    /// Set by a handler whose writes cannot change what the caches hold (a visit writes no
    /// user, token or org unit): thirty-two phones submitting at once otherwise emptied the
    /// principal cache with every visit and each next request read its sign-in again.
    var keepsReadCaches: Bool {
        get { storage[KeepsReadCachesKey.self] ?? false }
        set { storage[KeepsReadCachesKey.self] = newValue }
    }
}
