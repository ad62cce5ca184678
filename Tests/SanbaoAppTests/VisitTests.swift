import Fluent
import Foundation
import SanbaoDomain
import SQLKit
import Testing
import VaporTesting
@testable import SanbaoApp

@Suite struct VisitTests {
    static let enterpriseAnswers = #"""
        {"production": "mostly", "orders": "down", "financing_need": false, "headcount_change": "down",
         "layoffs_planned": true, "layoffs_count": 12, "pay_cuts": false, "wage_arrears": true, "arrears_workers": 30,
         "social_insurance_arrears": false, "restructuring": false, "hiring_need": false, "safety_issues": false,
         "union_established": true, "collective_contract": true, "congress_held": true, "training_need": ["skills", "safety"]}
        """#
    static let workerAnswers = #"""
        {"wages_on_time": false, "contract_signed": true, "social_insurance": true, "family_hardship": "migrant", "union_member": true}
        """#

    /// A visit as a phone sends it: ad hoc to 合肥华源机械 unless a task is named.
    static func body(task: UUID? = nil, people: String = "王经理、两名职工", enterprise: String = enterpriseAnswers,
                     worker: String = workerAnswers) -> String {
        let target = task.map { #""task_id": "\#($0.uuidString)""# }
            ?? #""enterprise": "\#(Fixture.enterpriseA)", "ad_hoc_reason": "职工来电反映欠薪""#
        return #"""
        {\#(target), "started_at": "2026-11-20T09:00:00Z", "finished_at": "2026-11-20T10:30:00Z",
         "location": {"lat": 31.86, "lon": 117.25, "accuracy_m": 12}, "people_met": "\#(people)",
         "enterprise_response": {"questionnaire": "enterprise", "version": 1, "answers": \#(enterprise)},
         "worker_responses": [{"questionnaire": "worker", "version": 1, "answers": \#(worker)}],
         "problems": [{"category": "wage_arrears", "description": "拖欠30名职工两个月工资", "severity": "high"}]}
        """#
    }

    static func post(_ client: inout TestClient, key: String, _ json: String) async throws -> TestingHTTPResponse {
        try await client.send(.POST, "/api/v1/visits", json: json, headers: ["Idempotency-Key": key])
    }

    static func count(_ app: Application, _ table: String) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try await app.db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decoding: N.self)!.n
    }

    @Test(arguments: TestDatabase.all) func aRetriedSubmissionIsTheSameVisitNotASecond(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let first = try await Self.post(&cadre, key: "phone-a001-0001", Self.body())
            #expect(first.status == .created, "\(first.body.string)")
            let receipt = try first.content.decode(VisitReceipt.self)
            #expect(first.headers.first(name: .location) == "/api/v1/visits/\(receipt.id.uuidString)" && receipt.url == first.headers.first(name: .location))
            #expect(receipt.problem_ids.count == 1 && receipt.worker_ids == [nil])
            let visit = try (try await cadre.send(.GET, receipt.url)).content.decode(VisitDTO.self)
            #expect(visit.status == "submitted" && visit.revision == 1 && visit.problems.count == 1 && visit.responses.count == 2)
            #expect(visit.responses[0].answers["layoffs_count"] == .number(12))
            #expect(visit.problems.map(\.id) == receipt.problem_ids)

            let again = try await Self.post(&cadre, key: "phone-a001-0001", Self.body())
            let sameVisit = try again.content.decode(VisitReceipt.self)
            #expect(again.status == .ok && sameVisit.id == visit.id && sameVisit.problem_ids == receipt.problem_ids && sameVisit.worker_ids == [nil])
            #expect(try await Self.count(app, "visits") == 1)
            #expect(try await Self.count(app, "problems") == 1)
            // Statistics rows: one per answer value (two training choices → two rows).
            #expect(try await Self.count(app, "answers") == 18 + 5)

            let reused = try await Self.post(&cadre, key: "phone-a001-0001", Self.body(people: "别人"))
            #expect(reused.status == .conflict)
            #expect(try await Self.count(app, "visits") == 1)
        }
    }

    @Test(arguments: TestDatabase.all) func aWorkerMetOnTheVisitJoinsTheRegistry(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let newID = ResidentID.withCheck("34010419920304153")
            func body(_ idNumber: String, name: String = "赵师傅") -> String {
                Self.body().replacingOccurrences(of: #"{"questionnaire": "worker", "version": 1,"#, with: """
                    {"questionnaire": "worker", "version": 1, "new_worker": {"name": "\(name)", "id_number": "\(idNumber)", "phone": "139 5555 1234", "job": "装配工"},
                    """)
            }
            let workersBefore = try await Self.count(app, "workers")
            let made = try await Self.post(&cadre, key: "phone-a001-new-1", body(newID))
            #expect(made.status == .created, "\(made.body.string)")
            let workerID = try #require(try made.content.decode(VisitReceipt.self).worker_ids[0])
            let visit = try (try await cadre.send(.GET, try made.content.decode(VisitReceipt.self).url)).content.decode(VisitDTO.self)
            #expect(visit.responses[1].worker_id == workerID)
            #expect(try await Self.count(app, "workers") == workersBefore + 1)
            let worker = try #require(try await Worker.find(workerID, on: app.db))
            #expect(worker.name == "赵师傅" && worker.job == "装配工" && worker.idMasked == "3401**********" + newID.suffix(4))
            #expect(worker.gender == "m" && worker.birthYear == 1992 && worker.phoneMasked.hasPrefix("139"))
            #expect(!worker.idCipher.contains(newID) && !(worker.phoneCipher ?? "").contains("13955551234"))
            struct A: Decodable { var action: String; var subject_id: String }
            let audit = try await app.db.sql.raw("SELECT action, subject_id FROM audit_events WHERE action = 'worker.create'")
                .all(decoding: A.self)
            #expect(audit.map(\.subject_id) == [workerID.uuidString])

            // Entered again on a later visit, the same ID number is the same worker.
            let again = try await Self.post(&cadre, key: "phone-a001-new-2", body(newID))
            #expect(try again.content.decode(VisitReceipt.self).worker_ids == [workerID])
            #expect(try await Self.count(app, "workers") == workersBefore + 1)

            // A bad ID number is named and nothing is written. One registered at an enterprise
            // outside the cadre's part of the tree is not said (SecurityTests): the visit is kept
            // and no second registry row is made.
            let bad = try await Self.post(&cadre, key: "phone-a001-new-3", body("340104199203041529"))
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("worker_responses[0].new_worker.id_number"))
            #expect(try await Self.count(app, "visits") == 2)
            let elsewhere = try await Self.post(&cadre, key: "phone-a001-new-4", body(ResidentID.withCheck("34010219900101002")))
            #expect(elsewhere.status == .created)
            #expect(try await Self.count(app, "workers") == workersBefore + 1)
        }
    }

    @Test(arguments: TestDatabase.all) func badAnswersAreNamedAndNothingIsWritten(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let bad = Self.body(people: "", enterprise: #"{"production": "booming", "layoffs_planned": true}"#)
            let res = try await Self.post(&cadre, key: "phone-a001-0002", bad)
            #expect(res.status == .unprocessableEntity)
            for field in ["people_met", "enterprise_response.answers.production", "enterprise_response.answers.layoffs_count",
                          "enterprise_response.answers.orders"] {
                #expect(res.body.string.contains("\"\(field)\""), "\(field) in \(res.body.string)")
            }
            #expect(try await Self.count(app, "visits") == 0)
            #expect(try await Self.count(app, "answers") == 0)
            // Not a cadre, or an enterprise outside the cadre's part of the tree.
            var admin = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            #expect(try await Self.post(&admin, key: "phone-admin-0001", Self.body()).status == .forbidden)
            let outside = Self.body().replacingOccurrences(of: Fixture.enterpriseA, with: Fixture.enterpriseB)
            #expect(try await Self.post(&cadre, key: "phone-a001-0003", outside).status == .unprocessableEntity)
        }
    }

    @Test(arguments: TestDatabase.all) func theAdminReturnsTheCadreCorrectsTheAdminAccepts(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            var admin = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            var sibling = TestClient(app, bearer: try await Fixture.token(app, "adminB"))
            let visit = try (try await Self.post(&cadre, key: "phone-a001-0010", Self.body())).content.decode(VisitReceipt.self)
            let path = "/api/v1/visits/\(visit.id)"

            #expect(try await sibling.send(.GET, path).status == .notFound)
            #expect(try await sibling.send(.POST, path + "/accept", json: #"{"revision": 1}"#).status == .notFound)
            #expect(try await cadre.send(.POST, path + "/accept", json: #"{"revision": 1}"#).status == .forbidden)
            #expect(try await admin.send(.POST, path + "/return", json: #"{"revision": 1}"#).status == .unprocessableEntity,
                    "a return needs a comment")
            let returned = try await admin.send(.POST, path + "/return", json: #"{"revision": 1, "comment": "欠薪人数与问卷不一致"}"#)
            let returnedVisit = try returned.content.decode(VisitDTO.self)
            #expect(returned.status == .ok && returnedVisit.status == "returned")
            #expect(try await admin.send(.POST, path + "/accept", json: #"{"revision": 1}"#).status == .conflict, "stale revision")

            let fixed = Self.body(people: "王经理、三名职工")
            let resubmitted = try await cadre.send(.PUT, path, json: fixed, headers: ["If-Match": "2"])
            #expect(resubmitted.status == .ok, "\(resubmitted.body.string)")
            #expect(try await cadre.send(.PUT, path, json: fixed, headers: ["If-Match": "2"]).status == .ok, "sent twice, done once")
            #expect(try await Self.count(app, "problems") == 1)
            #expect(try await Self.count(app, "responses") == 2)
            let accepted = try await admin.send(.POST, path + "/accept", json: #"{"revision": 3}"#)
            let done = try accepted.content.decode(VisitDTO.self)
            #expect(done.status == "accepted" && done.people_met == "王经理、三名职工")
            #expect(done.timeline.map(\.action) == ["submitted", "returned", "resubmitted", "accepted"])
            #expect(done.timeline[1].comment == "欠薪人数与问卷不一致")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["visit.submit", "visit.return", "visit.resubmit", "visit.accept"]).count() == 4)

            let list = try await admin.send(.GET, "/api/v1/visits?status=accepted")
            #expect(list.body.string.contains(visit.id.uuidString))
            let siblingList = try await sibling.send(.GET, "/api/v1/visits")
            #expect(!siblingList.body.string.contains(visit.id.uuidString))
        }
    }

    @Test(arguments: TestDatabase.all) func aVisitFulfilsTheCadresOwnTaskOnly(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            let stages = try StageSpec.parse("走访调研:2026-12-01:2027-02-28", campaignStarts: "2026-12-01", campaignEnds: "2027-05-31").get()
            let campaign = try await CampaignService(app: app, db: app.db, principal: .system("t"))
                .create(name: "测试行动", startsOn: "2026-12-01", endsOn: "2027-05-31", stages: stages)
            let stage = try await Stage.query(on: app.db).filter(\.$campaign.$id == campaign.id!).first()!
            let cadreA = try await Cadre.query(on: app.db).filter(\.$staffNo == "A001").first()!
            let enterprise = try await Enterprise.query(on: app.db).filter(\.$creditCode == Fixture.enterpriseA).first()!
            let unit = try await OrgUnit.query(on: app.db).filter(\.$code == "340104001").first()!
            let task = UUID()
            try await BulkInsert.rows(into: "visit_tasks", columns: ["id", "stage_id", "enterprise_id", "cadre_id", "unit_id", "distance_m",
                                                                     "status", "published_at"],
                                      [[task, stage.id!, enterprise.id!, cadreA.id!, unit.id!, 800, "open", Date()]], on: app.db)
            var other = TestClient(app, bearer: try await Fixture.token(app, "B001"))
            #expect(try await Self.post(&other, key: "phone-b001-0001", Self.body(task: task)).status == .notFound)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let res = try await Self.post(&cadre, key: "phone-a001-0020", Self.body(task: task))
            #expect(res.status == .created, "\(res.body.string)")
            struct S: Decodable { var status: String }
            let status = try await app.db.sql.raw("SELECT status FROM visit_tasks WHERE id = \(bind: task)").first(decoding: S.self)
            #expect(status?.status == "done")
            let second = try await Self.post(&cadre, key: "phone-a001-0021", Self.body(task: task, people: "再来一次"))
            #expect(second.status == .conflict, "one task, one visit")
            // The first sent again (its answer was lost): the same visit, not "task done".
            let again = try await Self.post(&cadre, key: "phone-a001-0020", Self.body(task: task))
            #expect(again.status == .ok, "\(again.body.string)")
            #expect(try again.content.decode(VisitReceipt.self).id == (try res.content.decode(VisitReceipt.self)).id)
            #expect(try await Self.count(app, "visits") == 1)
        }
    }

    /// A tiny JPEG whose EXIF says where it was taken (31°51'36"N 117°15'E) and which carries a comment.
    static var photo: [UInt8] {
        func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        var t: [UInt8] = Array("MM".utf8) + be16(42) + be32(8) + be16(1) + be16(0x8825) + be16(4) + be32(1) + be32(26) + be32(0)
        t += be16(4) + be16(1) + be16(2) + be32(2) + Array("N".utf8) + [0, 0, 0] + be16(2) + be16(5) + be32(3) + be32(80)
        t += be16(3) + be16(2) + be32(2) + Array("E".utf8) + [0, 0, 0] + be16(4) + be16(5) + be32(3) + be32(104) + be32(0)
        t += [31, 51, 36, 117, 15, 0].flatMap { be32($0) + be32(1) }
        let exif = Array("Exif\0\0".utf8) + t
        let comment = Array("住址：某小区3栋".utf8)
        return [0xFF, 0xD8] + [0xFF, 0xE1] + be16(exif.count + 2) + exif + [0xFF, 0xFE] + be16(comment.count + 2) + comment
            + [0xFF, 0xDA] + be16(8) + [1, 1, 0, 0, 63, 0] + [0x12, 0x34, 0x56] + [0xFF, 0xD9]
    }

    @Test(arguments: TestDatabase.all) func photosKeepTheirPlaceAsEvidenceAndAreServedWithoutMetadata(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let visit = try (try await Self.post(&cadre, key: "phone-a001-0030", Self.body())).content.decode(VisitReceipt.self)
            let upload = { (client: inout TestClient, bytes: [UInt8]) async throws -> TestingHTTPResponse in
                var headers = HTTPHeaders()
                headers.replaceOrAdd(name: .contentType, value: "image/jpeg")
                if let bearer = client.bearer { headers.replaceOrAdd(name: .authorization, value: "Bearer \(bearer)") }
                return try await app.testing().performTest(request: TestingHTTPRequest(
                    method: .POST, url: URI(path: "/api/v1/visits/\(visit.id)/photos"), headers: headers, body: ByteBuffer(bytes: bytes)))
            }
            let res = try await upload(&cadre, Self.photo)
            #expect(res.status == .created, "\(res.body.string)")
            let photo = try res.content.decode(VisitService.PhotoDTO.self)
            #expect(abs((photo.exif_lat ?? 0) - 31.86) < 1e-9 && abs((photo.exif_lon ?? 0) - 117.25) < 1e-9)
            #expect(try await upload(&cadre, Self.photo).status == .created, "the same photo again")
            #expect(try await Self.count(app, "photos") == 1)
            #expect(try await upload(&cadre, Array("GIF89a".utf8)).status == .unprocessableEntity)

            let stored = try #require(try await PhotoStore.data(photo.sha256, on: app.db))
            #expect(!String(decoding: stored, as: UTF8.self).contains("Exif") && !String(decoding: stored, as: UTF8.self).contains("小区"))
            var admin = TestClient(app)
            try await admin.signIn("adminA")
            let served = try await admin.send(.GET, "/photos/\(photo.sha256)")
            #expect(served.status == .ok && Data(served.body.readableBytesView) == stored)
            #expect(served.headers.first(name: .contentType) == "image/jpeg")
            var sibling = TestClient(app)
            try await sibling.signIn("adminB")
            #expect(try await sibling.send(.GET, "/photos/\(photo.sha256)").status == .notFound)
            var other = TestClient(app, bearer: try await Fixture.token(app, "adminA"))
            #expect(try await upload(&other, Self.photo).status == .forbidden, "only the cadre who made the visit adds photos")
        }
    }

    /// Before v10 photos were files beside the server; the migration copies them into the database.
    @Test(arguments: TestDatabase.all) func photosKeptAsFilesMoveIntoTheDatabase(_ db: TestDatabase) async throws {
        try await withApp(db) { app in
            try await Fixture.load(app)
            var cadre = TestClient(app, bearer: try await Fixture.token(app, "A001"))
            let visit = try (try await Self.post(&cadre, key: "phone-a001-photo-move", Self.body())).content.decode(VisitReceipt.self)
            let sent = try await cadre.send(.POST, "/api/v1/visits/\(visit.id)/photos", bytes: Self.photo, headers: ["Content-Type": "image/jpeg"])
            let sha = try sent.content.decode(VisitService.PhotoDTO.self).sha256
            let kept = try #require(try await PhotoStore.data(sha, on: app.db))
            // As an older version kept it: a file named by its hash, no row.
            let directory = app.config.photoDirectory
            let migration = MovePhotosIntoDatabase(photoDirectory: directory)
            try await migration.revert(on: app.db)
            try FileManager.default.createDirectory(atPath: directory + "/" + sha.prefix(2), withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: directory + "/" + sha.prefix(2) + "/" + sha.dropFirst(2), contents: kept))
            try await migration.prepare(on: app.db)
            #expect(try await PhotoStore.data(sha, on: app.db) == kept)
            var admin = TestClient(app)
            try await admin.signIn("adminA")
            let served = try await admin.send(.GET, "/photos/\(sha)")
            #expect(served.status == .ok && Data(served.body.readableBytesView) == kept)
        }
    }
}
