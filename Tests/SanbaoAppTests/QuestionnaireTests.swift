import Fluent
import Foundation
import SanbaoDomain
import Testing
@testable import SanbaoApp

@Suite struct QuestionnaireVersionTests {
    @Test(arguments: TestDatabase.all) func theOfficePublishesVersionTwoWithoutTouchingVersionOne(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let office = QuestionnaireService(app: app, db: app.db, principal: .system("t"))
            #expect(try await office.current().map(\.key) == ["enterprise", "worker"], "the defaults ship as version 1")
            let v1 = try await office.version(key: "enterprise").questionnaire()
            #expect(v1 == DefaultQuestionnaires.enterprise)

            #expect(try await office.publish(v1) == .unchanged(version: 1), "the same questions again are no new version")
            var edited = v1
            edited.sections[0].questions[1].title = .init("订单与去年同期相比", "Orders against the same months last year")
            #expect(try await office.publish(edited) == .published(version: 2))
            #expect(try await office.version(key: "enterprise", version: 1).questionnaire() == DefaultQuestionnaires.enterprise)
            #expect(try await office.version(key: "enterprise").version == 2)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "questionnaire.publish").count() == 1)

            var broken = v1
            broken.sections[0].questions.append(.init("production", .text, "重复", "Again"))
            await #expect(throws: AppError.self) { try await office.publish(broken) }
            #expect(try await office.version(key: "enterprise").version == 2, "a broken file publishes nothing")

            let admin = try await AuthService(app: app, db: app.db).principal(bearer: try await Fixture.token(app, "adminA"), ip: "t")!
            await #expect(throws: AppError.self) { try await QuestionnaireService(app: app, db: app.db, principal: admin).publish(edited) }
        }
    }
}
