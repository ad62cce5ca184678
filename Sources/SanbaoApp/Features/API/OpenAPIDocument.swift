import Foundation
import SanbaoDomain
import Vapor

/// The API described: an OpenAPI 3.1 document built from the routes (`APIRoute`) and the very
/// types the handlers take and send (`SchemaCatalogue`), served at `/api/v1/openapi.json`.
/// Built in Swift rather than written by hand so that it cannot drift from the code: a body's
/// fields come from its type, and `OpenAPITests` fails when a registered route has no operation
/// here or an operation names a route the app lacks.
enum OpenAPIDocument {
    struct Operation: @unchecked Sendable {  // metatypes and strings only, never changed
        var method: HTTPMethod
        var route: APIRoute
        var tag: String
        var summary: String
        var query: [(name: String, description: String)] = []
        var body: (any Decodable.Type)? = nil
        /// A body that is not JSON (a photo).
        var rawBody: [String] = []
        var response: (any Decodable.Type)? = nil
        var status: Int = 200
        var idempotencyKey = false
        var ifMatch = false
        var paged = false
    }

    static let paging: [(name: String, description: String)] = [("page", "页码，从 1 起 / page, from 1"), ("per", "每页条数，至多 200 / rows per page, at most 200")]

    /// Every operation under `/api/v1`.
    static let operations: [Operation] = [
        .init(method: .GET, route: .openAPI, tag: "api", summary: "本文档 / this document"),
        .init(method: .GET, route: .me, tag: "people", summary: "当前令牌的用户 / the token's user", response: UserDTO.self),
        .init(method: .GET, route: .users, tag: "people", summary: "用户列表 / users",
              query: [("unit", "单位代码 / unit code"), ("role", "角色 / role"), ("q", "姓名或登录名 / name or username")],
              response: Page<UserDTO>.self, paged: true),
        .init(method: .POST, route: .users, tag: "people", summary: "新建用户 / create a user", body: UserInput.self, response: UserDTO.self, status: 201),
        .init(method: .GET, route: .user("{username}"), tag: "people", summary: "一个用户 / a user", response: UserDTO.self),
        .init(method: .POST, route: .userAction("{username}", "retire"), tag: "people", summary: "停用用户 / retire a user", response: UserDTO.self),
        .init(method: .GET, route: .orgUnits, tag: "org-units", summary: "组织单位 / org units",
              query: [("parent", "上级单位代码 / parent's code"), ("q", "名称或代码 / name or code"), ("include_retired", "含已撤销 / with retired units (true|false)")],
              response: Page<OrgUnitDTO>.self, paged: true),
        .init(method: .POST, route: .orgUnits, tag: "org-units", summary: "新建单位 / create a unit", body: OrgUnitInput.self, response: OrgUnitDTO.self, status: 201),
        .init(method: .GET, route: .orgUnit("{code}"), tag: "org-units", summary: "一个单位 / a unit", response: OrgUnitDTO.self),
        .init(method: .PATCH, route: .orgUnit("{code}"), tag: "org-units", summary: "改名或调整上级 / rename or move", body: OrgUnitAPI.Patch.self, response: OrgUnitDTO.self),
        .init(method: .POST, route: .orgUnitAction("{code}", "retire"), tag: "org-units", summary: "撤销单位 / retire a unit", response: OrgUnitDTO.self),
        .init(method: .GET, route: .enterprises, tag: "enterprises", summary: "企业名录 / the enterprise registry",
              query: [("q", "名称、别名或信用代码 / name, alias or credit code"), ("unit", "覆盖单位 / covering unit"), ("industry", "行业代码 / industry code"),
                      ("size", "规模 / size class"), ("tag", "标签 / tag")],
              response: Page<EnterpriseService.Row>.self, paged: true),
        .init(method: .GET, route: .enterprise("{code}"), tag: "enterprises", summary: "一家企业 / an enterprise", response: EnterpriseDTO.self),
        .init(method: .GET, route: .workers, tag: "workers", summary: "职工名录（脱敏）/ workers, masked",
              query: [("enterprise", "企业信用代码 / enterprise credit code"), ("hardship", "困难类别 / hardship"), ("q", "姓名或身份证号 / name or ID number")],
              response: Page<WorkerService.Row>.self, paged: true),
        .init(method: .GET, route: .worker("{id}"), tag: "workers", summary: "一名职工 / a worker", response: WorkerService.Row.self),
        .init(method: .GET, route: .auditEvents, tag: "audit", summary: "审计日志（市总）/ the audit log (office)",
              query: [("action", "动作前缀 / action prefix"), ("actor", "操作人 / actor"), ("subject", "对象 / subject"), ("from", "起 / from"), ("to", "止 / to")],
              response: Page<AuditEventDTO>.self, paged: true),
        .init(method: .GET, route: .visits, tag: "visits", summary: "走访记录 / visits", query: [("status", "submitted|accepted|returned")],
              response: Page<VisitRow>.self, paged: true),
        .init(method: .POST, route: .visits, tag: "visits", summary: "提交走访 / submit a visit", body: VisitSubmission.self,
              response: VisitReceipt.self, status: 201, idempotencyKey: true),
        .init(method: .GET, route: .visit("{id}"), tag: "visits", summary: "一次走访 / a visit", response: VisitDTO.self),
        .init(method: .PUT, route: .visit("{id}"), tag: "visits", summary: "更正退回的走访 / correct a returned visit", body: VisitSubmission.self,
              response: VisitDTO.self, ifMatch: true),
        .init(method: .POST, route: .visitAction("{id}", "accept"), tag: "visits", summary: "审核通过 / accept", body: VisitAPI.Review.self, response: VisitDTO.self),
        .init(method: .POST, route: .visitAction("{id}", "return"), tag: "visits", summary: "退回更正 / return for correction", body: VisitAPI.Review.self, response: VisitDTO.self),
        .init(method: .POST, route: .visitAction("{id}", "photos"), tag: "visits", summary: "添加照片 / add a photo", rawBody: ["image/jpeg", "image/png"],
              response: VisitService.PhotoDTO.self, status: 201),
        .init(method: .GET, route: .problems, tag: "problems", summary: "问题台账 / the problem ledger", query: [("status", "状态 / status")],
              response: Page<ProblemService.Row>.self, paged: true),
        .init(method: .POST, route: .problems, tag: "problems", summary: "直接登记问题 / report a problem", body: ProblemAPI.ReportBody.self,
              response: ProblemService.DTO.self, status: 201),
        .init(method: .GET, route: .problemFigures, tag: "problems", summary: "台账统计 / the ledger's figures", query: [("unit", "单位代码 / unit code")],
              response: [ProblemService.UnitFigures].self),
        .init(method: .GET, route: .problem("{id}"), tag: "problems", summary: "一个问题 / a problem", response: ProblemService.DTO.self),
        .init(method: .POST, route: .problemAction("{id}", "evidence"), tag: "problems", summary: "添加佐证照片 / add evidence", rawBody: ["image/jpeg", "image/png"],
              response: ProblemService.EvidenceDTO.self, status: 201),
        .init(method: .POST, route: .problemAction("{id}", "{step}"), tag: "problems",
              summary: "办理一步 / take a step (dispatch, accept, give-back, note, refer, referral-answered, resolve, callback, extend, decide-extension, merge, close)",
              body: ProblemAPI.StepBody.self, response: ProblemService.DTO.self),
        .init(method: .GET, route: .supervision, tag: "supervision", summary: "督办 / supervision orders", query: [("view", "to_report|issued|all")],
              response: Page<SupervisionService.Order>.self, paged: true),
        .init(method: .POST, route: .supervision, tag: "supervision", summary: "发出督办 / issue an order", body: SupervisionAPI.IssueBody.self,
              response: SupervisionService.DTO.self, status: 201),
        .init(method: .GET, route: .supervisionOrder("{id}"), tag: "supervision", summary: "一份督办 / an order", response: SupervisionService.DTO.self),
        .init(method: .POST, route: .supervisionAction("{id}", "{step}"), tag: "supervision", summary: "报告、办结或退回 / report, close or send back",
              body: SupervisionAPI.StepBody.self, response: SupervisionService.DTO.self),
        .init(method: .GET, route: .progress, tag: "progress", summary: "工作进度：单位及其下级的任务完成情况 / progress of a unit and the units under it",
              query: [("unit", "单位代码，默认本单位 / unit code, your own by default"), ("stage", "阶段序号或名称 / stage number or name"),
                      ("campaign", "活动编号，默认最近的 / campaign id, the latest by default")],
              response: ProgressAPI.DTO.self),
        .init(method: .GET, route: .campaigns, tag: "campaigns", summary: "活动及其阶段，最近的在前 / campaigns and their stages, the latest first",
              response: [CampaignAPI.DTO].self),
        .init(method: .GET, route: .campaignQuotas("{id}"), tag: "campaigns", summary: "任务分解表（本单位及以下）/ the task decomposition table, your part of the tree",
              query: [("stage", "阶段序号或名称 / stage number or name")], response: [CampaignStore.QuotaTableRow].self),
        .init(method: .GET, route: .assignment, tag: "assignment", summary: "一个阶段的分配草案（市总）/ a stage's draft assignment (office)",
              query: [("stage", "阶段序号或名称 / stage number or name")], response: AssignmentAPI.Draft.self),
        .init(method: .GET, route: .assignmentAction("explain"), tag: "assignment", summary: "为何分给这名干部 / why an enterprise went to its cadre",
              query: [("stage", "阶段序号或名称 / stage number or name"), ("code", "企业信用代码 / credit code")], response: AssignmentService.Explanation.self),
        .init(method: .POST, route: .assignmentAction("solve"), tag: "assignment", summary: "求解分配（dry_run 只算不存）/ solve (dry_run: compute only)",
              body: AssignmentAPI.Body.self, response: AssignmentService.Summary.self),
        .init(method: .POST, route: .assignmentAction("publish"), tag: "assignment", summary: "发布为干部的走访任务 / publish as visit tasks",
              body: AssignmentAPI.Body.self, response: AssignmentService.Changes.self),
        .init(method: .POST, route: .assignmentAction("locks"), tag: "assignment", summary: "锁定企业给干部 / lock an enterprise to a cadre",
              body: AssignmentAPI.Body.self, response: AssignmentAPI.Draft.self),
        .init(method: .POST, route: .assignmentAction("locks/delete"), tag: "assignment", summary: "解除锁定 / remove a lock",
              body: AssignmentAPI.Body.self, response: AssignmentAPI.Draft.self),
        .init(method: .POST, route: .assignmentAction("exclusions"), tag: "assignment", summary: "干部本阶段不参加（注明原因）/ leave a cadre out, with the reason",
              body: AssignmentAPI.Body.self, response: AssignmentAPI.Draft.self),
        .init(method: .POST, route: .assignmentAction("exclusions/delete"), tag: "assignment", summary: "恢复干部 / take a cadre back",
              body: AssignmentAPI.Body.self, response: AssignmentAPI.Draft.self),
        .init(method: .GET, route: .reports, tag: "reports", summary: "定期报告的上报情况 / who has reported", query: [("period", "期次 / period key")],
              response: [ReportAPI.Entry].self),
        .init(method: .GET, route: .report(unit: "{unit}", period: "{period}"), tag: "reports", summary: "一份报告 / a report", response: ReportAPI.DTO.self),
        .init(method: .POST, route: .report(unit: "{unit}", period: "{period}"), tag: "reports", summary: "保存或上报 / save or submit",
              body: ReportAPI.SaveBody.self, response: ReportAPI.DTO.self),
        .init(method: .POST, route: .reportAction(unit: "{unit}", period: "{period}", "decide"), tag: "reports", summary: "上级审核 / the parent's decision",
              body: ReportAPI.DecideBody.self, response: ReportAPI.DTO.self),
    ]

    /// `/api/v1/visits/{id}`.
    static func path(_ route: APIRoute) -> String { "/" + route.segments.joined(separator: "/") }

    /// The document, as JSON.
    static func json() throws -> Data {
        let catalogue = SchemaCatalogue()
        let problem = catalogue.schema(of: ProblemDetails.self)
        var paths: [String: [String: Any]] = [:]
        for op in operations {
            let path = path(op.route)
            var operation: [String: Any] = ["tags": [op.tag], "summary": op.summary,
                                            "operationId": op.method.rawValue.lowercased() + path.replacingOccurrences(of: "/api/v1", with: "")
                                                .replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
                                                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "-", with: "_")]
            var parameters: [[String: Any]] = path.split(separator: "/").filter { $0.hasPrefix("{") }.map {
                let name = String($0.dropFirst().dropLast())
                return ["name": name, "in": "path", "required": true, "schema": JSONSchema.string(format: name == "id" ? "uuid" : nil).json]
            }
            for q in (op.paged ? paging : []) + op.query {
                let schema: JSONSchema = ["page", "per"].contains(q.name) ? .integer : q.name == "include_retired" ? .boolean : .string()
                parameters.append(["name": q.name, "in": "query", "required": false, "description": q.description, "schema": schema.json])
            }
            if op.idempotencyKey {
                parameters.append(["name": "Idempotency-Key", "in": "header", "required": true,
                                   "description": "手机为这次提交取的唯一键，8–100 位字母、数字、- 或 _；重发时不变 / the phone's key for this submission, the same when sent again",
                                   "schema": ["type": "string", "minLength": 8, "maxLength": 100, "pattern": "^[A-Za-z0-9_-]+$"]])
            }
            if op.ifMatch {
                parameters.append(["name": "If-Match", "in": "header", "required": true, "description": "走访当前的版本号 / the visit's revision",
                                   "schema": ["type": "string"]])
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let body = op.body {
                operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": catalogue.schema(of: body).json]]]
            } else if !op.rawBody.isEmpty {
                operation["requestBody"] = ["required": true, "content": Dictionary(uniqueKeysWithValues: op.rawBody.map {
                    ($0, ["schema": ["type": "string", "contentMediaType": $0]])
                })]
            }
            var responses: [String: Any] = [:]
            if op.route == .openAPI {
                responses["200"] = ["description": "OpenAPI 3.1", "content": ["application/json": ["schema": ["type": "object"]]]]
            } else if let response = op.response {
                responses["\(op.status)"] = ["description": "成功 / done", "content": ["application/json": ["schema": catalogue.schema(of: response).json]]]
                if op.idempotencyKey {
                    responses["200"] = ["description": "同一键已提交过：原走访的回执 / the key was seen: the visit already made",
                                        "content": ["application/json": ["schema": catalogue.schema(of: response).json]]]
                }
            }
            let error: [String: Any] = ["description": "错误，逐字段说明 / refused, field by field",
                                        "content": ["application/problem+json": ["schema": problem.json]]]
            if op.route != .openAPI {
                for code in ["400", "401", "403", "404", "409", "413", "415", "422", "429"] { responses[code] = error }
                operation["security"] = [["bearer": [String]()]]
            } else {
                operation["security"] = [[String: [String]]()]
            }
            operation["responses"] = responses
            paths[path, default: [:]][op.method.rawValue.lowercased()] = operation
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "三保 Sanbao API", "version": "1",
                     "description": "“双走访、促三保”的接口：走访、问题台账、督办、定期报告、组织与名录。令牌：页面“接口令牌”或 `sanbao token create`。/ The API of the campaign. Tokens: the “API tokens” page or `sanbao token create`."],
            "servers": [["url": "/"]],
            "tags": Array(Set(operations.map(\.tag))).sorted().map { ["name": $0] },
            "paths": paths,
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer", "description": "sb_ 开头的接口令牌 / an API token, sb_…"]],
                "schemas": NSDictionary(dictionary: catalogue.components.mapValues { $0.json }),
            ] as [String: Any],
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }
}
