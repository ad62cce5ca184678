import Foundation
import Testing
import Vapor
@testable import SanbaoApp

/// The OpenAPI document holds to the app: every `/api/v1` route is in it and it names no other,
/// every reference resolves, every body type was worked out to its fields, and real answers
/// conform to their schemas.
@Suite struct OpenAPITests {
    static func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: try OpenAPIDocument.json()) as? [String: Any])
    }

    @Test(arguments: TestDatabase.all) func everyAPIRouteIsDescribedAndNoOther(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            let registered = Set(app.routes.all.compactMap { route -> String? in
                let path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                return path.hasPrefix("/api/v1/") ? "\(route.method.rawValue.lowercased()) \(path)" : nil
            })
            let paths = try #require(try Self.document()["paths"] as? [String: [String: Any]])
            let described = Set(paths.flatMap { path, operations in operations.keys.map { "\($0) \(path)" } })
            #expect(registered.subtracting(described).isEmpty, "registered, not described: \(registered.subtracting(described).sorted())")
            #expect(described.subtracting(registered).isEmpty, "described, not registered: \(described.subtracting(registered).sorted())")
            // Served without a token.
            var anyone = TestClient(app)
            let served = try await anyone.send(.GET, "/api/v1/openapi.json")
            #expect(served.status == .ok)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(served.body.readableBytesView)) as? [String: Any])
            #expect(body["openapi"] as? String == "3.1.0")
        }
    }

    @Test func everyReferenceResolvesAndEveryBodyHasItsFields() throws {
        let document = try Self.document()
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        let text = String(decoding: try OpenAPIDocument.json(), as: UTF8.self)
        let refs = Set(text.components(separatedBy: "\"#/components/schemas/").dropFirst().map { String($0.prefix { $0 != "\"" }) })
        #expect(refs.subtracting(schemas.keys).isEmpty, "unresolved: \(refs.subtracting(schemas.keys).sorted())")
        for (name, schema) in schemas where schema["type"] as? String == "object" && schema["additionalProperties"] == nil {
            #expect(!((schema["properties"] as? [String: Any]) ?? [:]).isEmpty, "\(name) has no fields: its decoding failed on a stand-in")
        }
        // Optional fields are not required, and say so.
        let decide = try #require(schemas["ReportAPI.DecideBody"])
        #expect(Set(decide["required"] as? [String] ?? []) == ["action", "revision"])
        let problem = try #require(schemas["VisitSubmission.Problem"])
        #expect(Set((problem["properties"] as? [String: Any])?.keys.map { $0 } ?? []) == ["category", "description", "severity", "worker_id"])
    }
}
