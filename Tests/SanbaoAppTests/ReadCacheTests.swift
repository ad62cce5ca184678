import Foundation
import Testing
import VaporTesting
@testable import SanbaoApp

@Suite struct ReadCacheTests {
    @Test func aValueReadBeforeAWriteIsNotKeptAfterIt() {
        let cache = ReadCache<Int>()
        let before = cache.generation
        cache.invalidateAll()                 // a write completes while the read is in flight
        cache.put("k", 1, readAt: before)
        #expect(cache.get("k") == nil)
        cache.put("k", 2, readAt: cache.generation)
        #expect(cache.get("k") == 2)
        cache.invalidateAll()
        #expect(cache.get("k") == nil)
    }

    @Test func entriesExpire() async throws {
        let cache = ReadCache<Int>(ttl: .milliseconds(50))
        cache.put("k", 1, readAt: cache.generation)
        #expect(cache.get("k") == 1)
        try await Task.sleep(for: .milliseconds(80))
        #expect(cache.get("k") == nil)
    }

    @Test(arguments: TestDatabase.all) func theCachedListShowsWhatTheCallerJustWrote(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var api = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            let first = try await api.send(.GET, "/api/v1/org-units?per=200").body.string
            #expect(!first.contains("340104009"))
            let created = try await api.send(.POST, "/api/v1/org-units",
                                             json: #"{"code":"340104009","name":"新街道工会","kind":"street","parent_code":"340104"}"#)
            #expect(created.status == .created)
            #expect(try await api.send(.GET, "/api/v1/org-units?per=200").body.string.contains("340104009"))
            // Another scope never gets this page from the cache.
            var other = TestClient(app, bearer: try await Fixture.token(app, "adminB"))
            #expect(!(try await other.send(.GET, "/api/v1/org-units?per=200").body.string.contains("340104")))
        }
    }
}
