import Foundation
import Testing
@testable import SanbaoDomain

/// The visit reader must read every body exactly as `JSONDecoder` does, or leave it to it.
@Suite struct VisitSubmissionReaderTests {
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    static let template = try! String(contentsOfFile: #filePath.replacingOccurrences(of: "Tests/SanbaoDomainTests/VisitSubmissionReaderTests.swift",
                                                                                      with: "Benchmarks/visit-template.json"), encoding: .utf8)
        .replacingOccurrences(of: "ENTERPRISE_CODE", with: "91340104MA2N0AAA1X")

    /// Bodies the reader must read itself, each the same as `JSONDecoder` reads it.
    static let readable: [String] = [
        template,
        #"""
        {"task_id": "6c1f0a52-1b7e-4c8e-9d0a-2f4b5c6d7e8f", "started_at": "2026-11-20T09:00:00+08:00", "finished_at": "2026-02-28T23:59:59-05:30",
         "location": null, "people_met": "王经理\n\"两名\"职工 \u4e2d\u6587 \ud83d\ude00 \/ \\ \t",
         "enterprise_response": {"questionnaire": "enterprise", "version": 2, "answers": {"a": -0.5e3, "b": [], "c": "", "d": false, "e": 0, "f": 12345678901}},
         "worker_responses": [{"questionnaire": "worker", "version": 1, "worker_id": null,
           "new_worker": {"name": "李四", "id_number": "34010419900101001X", "phone": null}, "answers": {}}],
         "problems": [{"category": "wage_arrears", "description": "x", "severity": "low", "worker_id": "6C1F0A52-1B7E-4C8E-9D0A-2F4B5C6D7E8F"}],
         "unknown": {"nested": [1, 2, {"x": null}]}}
        """#,
        #"{"enterprise":"X","ad_hoc_reason":"r","started_at":"2024-02-29T00:00:00Z","finished_at":"2024-02-29T00:00:00Z","location":{"lat":-31,"lon":117.25},"people_met":"","enterprise_response":{"questionnaire":"enterprise","version":1,"answers":{"k":1E2}},"worker_responses":[],"problems":[]}"#,
    ]

    /// Bodies it leaves to `JSONDecoder` (some of which `JSONDecoder` refuses, some it reads).
    static let leftAlone: [String] = [
        "", "{}", "[]", "null", template + " x", template.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 1.0"),
        template.replacingOccurrences(of: "09:00:00Z", with: "09:00:00.5Z"),
        template.replacingOccurrences(of: "\"high\"", with: "\"urgent\""),
        template.replacingOccurrences(of: "\"people_met\"", with: "\"people_met\": \"a\", \"people_met\""),
        template.replacingOccurrences(of: "\"production\": \"mostly\"", with: "\"production\": null"),
        template.replacingOccurrences(of: "[\"orders\", \"costs\"]", with: "[\"orders\", 1]"),
        template.replacingOccurrences(of: "\"people_met\": \"", with: "\"people_met\": \"\u{1}"),
        template.replacingOccurrences(of: "2026-11-20T10:30:00Z", with: "2026-02-30T10:30:00Z"),
        #"{"started_at": "2026-11-20T09:00:00Z", "finished_at": "2026-11-20T09:00:00Z", "people_met": "", "enterprise_response": {"questionnaire": "enterprise", "version": 1, "answers": {}}, "problems": []}"#,
    ]

    @Test func readsWhatJSONDecoderReadsTheSameWay() throws {
        for body in Self.readable {
            let read = try #require(VisitSubmission.read(Array(body.utf8)), "\(body.prefix(80))")
            #expect(read == (try Self.decoder.decode(VisitSubmission.self, from: Data(body.utf8))), "\(body.prefix(80))")
        }
    }

    @Test func leavesAnythingElseToJSONDecoder() {
        for body in Self.leftAlone {
            #expect(VisitSubmission.read(Array(body.utf8)) == nil, "\(body.prefix(120))")
        }
    }

    /// Every prefix and a byte changed anywhere: whatever the reader reads, `JSONDecoder` reads the same.
    @Test func neverDisagreesWithJSONDecoder() {
        var bodies: [[UInt8]] = []
        for text in Self.readable {
            let body = Array(text.utf8)
            bodies += (0..<body.count).map { Array(body[..<$0]) }
            for i in 0..<body.count {
                for b in Array(#""\}],0 9e-.tn1Z:"#.utf8) + [0xFF, 0x0A, 0x01] {
                    var changed = body
                    changed[i] = b
                    bodies.append(changed)
                }
            }
        }
        var read = 0
        for bytes in bodies {
            guard let submission = VisitSubmission.read(bytes) else { continue }
            read += 1
            let decoded = Result { try Self.decoder.decode(VisitSubmission.self, from: Data(bytes)) }
            #expect(submission == (try? decoded.get()), "\(String(decoding: bytes, as: UTF8.self)) → \(decoded)")
        }
        #expect(read > 1_000, "the changed bodies still readable are compared, not only left alone")
    }

    /// Numbers in every form, as answers and as a location: read the same, or left alone
    /// (`JSONDecoder` refuses "0e2" but reads "0e0").
    @Test func numbersAsJSONDecoderReadsThem() {
        var read = 0
        for n in ["0E2", "0e2", "-0e3", "0.0e3", "-0.5e3", "1E2", "10e2", "0.5", "0", "-0", "0e0", "0.0", "-0.0e0", "5e-1", "0.5E+1",
                  "1e0", "00", "0.5e3", "-0.5e0", "-0.0e3", "1e308", "1e309", "-1e-400", "123456789012345678901234567890", "1.", ".5", "+1", "0x10"] {
            let body = Self.readable[2].replacingOccurrences(of: "1E2", with: n).replacingOccurrences(of: "117.25", with: n)
            guard let submission = VisitSubmission.read(Array(body.utf8)) else { continue }
            read += 1
            #expect(submission == (try? Self.decoder.decode(VisitSubmission.self, from: Data(body.utf8))), "\(n)")
        }
        #expect(read >= 12)
    }
}
