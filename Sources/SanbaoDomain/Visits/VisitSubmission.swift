import Foundation

/// A visit as a cadre's phone sends it, whole: where and when, who was met, the enterprise
/// questionnaire, any number of worker questionnaires and the problems found. The phone keeps
/// it until the server has confirmed it, and sends it again unchanged after a timeout.
public struct VisitSubmission: Codable, Sendable, Equatable {
    /// The visit task it fulfils; without one the visit is ad hoc and needs `enterprise` and a reason.
    public var taskID: UUID?
    public var enterprise, adHocReason: String?
    public var startedAt, finishedAt: Date
    public var location: Location?
    public var peopleMet: String
    public var enterpriseResponse: Response
    public var workerResponses: [Response]
    public var problems: [Problem]

    public struct Location: Codable, Sendable, Equatable {
        public var lat, lon: Double
        public var accuracyM: Double?

        public init(lat: Double, lon: Double, accuracyM: Double?) {
            self.lat = lat
            self.lon = lon
            self.accuracyM = accuracyM
        }

        enum CodingKeys: String, CodingKey { case lat, lon, accuracyM = "accuracy_m" }
    }

    public struct Response: Codable, Sendable, Equatable {
        public var questionnaire: String
        public var version: Int
        /// For a worker questionnaire: the worker in the registry it is about, if known…
        public var workerID: UUID?
        /// …or a worker met on the visit who is not in the registry yet.
        public var newWorker: NewWorker?
        public var answers: [String: Answer]

        public init(questionnaire: String, version: Int, workerID: UUID? = nil, newWorker: NewWorker? = nil, answers: [String: Answer]) {
            self.questionnaire = questionnaire
            self.version = version
            self.workerID = workerID
            self.newWorker = newWorker
            self.answers = answers
        }

        enum CodingKeys: String, CodingKey { case questionnaire, version, workerID = "worker_id", newWorker = "new_worker", answers }
    }

    /// A worker met on the visit and entered by the cadre: becomes a registry worker of the
    /// visited enterprise with the visit (or, if the ID number is already there, that worker).
    public struct NewWorker: Codable, Sendable, Equatable {
        public var name, idNumber: String
        public var phone, job: String?

        public init(name: String, idNumber: String, phone: String? = nil, job: String? = nil) {
            self.name = name
            self.idNumber = idNumber
            self.phone = phone
            self.job = job
        }

        enum CodingKeys: String, CodingKey { case name, idNumber = "id_number", phone, job }
    }

    public struct Problem: Codable, Sendable, Equatable {
        public var category: ProblemCategory
        public var description: String
        public var severity: ProblemSeverity
        /// The worker it concerns, if it is one worker's.
        public var workerID: UUID?

        public init(category: ProblemCategory, description: String, severity: ProblemSeverity, workerID: UUID? = nil) {
            self.category = category
            self.description = description
            self.severity = severity
            self.workerID = workerID
        }

        enum CodingKeys: String, CodingKey { case category, description, severity, workerID = "worker_id" }
    }

    public init(taskID: UUID? = nil, enterprise: String? = nil, adHocReason: String? = nil, startedAt: Date, finishedAt: Date,
                location: Location? = nil, peopleMet: String, enterpriseResponse: Response, workerResponses: [Response] = [],
                problems: [Problem] = []) {
        self.taskID = taskID
        self.enterprise = enterprise
        self.adHocReason = adHocReason
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.location = location
        self.peopleMet = peopleMet
        self.enterpriseResponse = enterpriseResponse
        self.workerResponses = workerResponses
        self.problems = problems
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", enterprise, adHocReason = "ad_hoc_reason", startedAt = "started_at", finishedAt = "finished_at"
        case location, peopleMet = "people_met", enterpriseResponse = "enterprise_response", workerResponses = "worker_responses"
        case problems
    }

    /// One thing wrong with a submission: `field` is a path into it
    /// (`worker_responses[1].answers.wages_on_time`, `problems[0].description`).
    public struct Issue: Sendable, Equatable, Codable {
        public var field, reason: String
        public init(_ field: String, _ reason: String) {
            self.field = field
            self.reason = reason
        }
    }

    /// What the submission says about itself, checked against the questionnaire versions it
    /// names (`versions` by key and version). Returns the answers as they will be kept.
    public func check(now: Date, versions: (String, Int) -> Questionnaire?)
        -> (enterprise: [String: Answer], workers: [[String: Answer]], issues: [Issue]) {
        var issues: [Issue] = []
        if taskID == nil {
            if (enterprise ?? "").trimmed.isEmpty { issues.append(Issue("enterprise", "required")) }
            if (adHocReason ?? "").trimmed.isEmpty { issues.append(Issue("ad_hoc_reason", "required")) }
        }
        if finishedAt < startedAt { issues.append(Issue("finished_at", "before_start")) }
        // A phone's clock may be a little ahead; a visit from next week is not.
        if finishedAt > now.addingTimeInterval(600) { issues.append(Issue("finished_at", "in_future")) }
        // A visit recorded offline may come in days late, not years: 1900 is a phone's clock or a typing slip.
        if startedAt < now.addingTimeInterval(-366 * 86_400) { issues.append(Issue("started_at", "too_old")) }
        if finishedAt.timeIntervalSince(startedAt) > 24 * 3600 { issues.append(Issue("finished_at", "too_long")) }
        // A phone's accuracy is metres, not light years: a figure past 100 km says nothing.
        if let l = location, !((-90...90).contains(l.lat) && (-180...180).contains(l.lon)) || !(0...100_000).contains(l.accuracyM ?? 0) {
            issues.append(Issue("location", "out_of_range"))
        }
        if peopleMet.trimmed.isEmpty { issues.append(Issue("people_met", "required")) }
        if peopleMet.count > 500 { issues.append(Issue("people_met", "too_long")) }

        func answers(_ r: Response, at path: String, subject: Questionnaire.Subject) -> [String: Answer] {
            guard let q = versions(r.questionnaire, r.version) else {
                issues.append(Issue(path + ".questionnaire", "unknown_version"))
                return [:]
            }
            if q.subject != subject { issues.append(Issue(path + ".questionnaire", "wrong_subject")) }
            let (kept, found) = q.check(r.answers)
            issues += found.map { Issue(path + ".answers." + $0.question, $0.reason.rawValue) }
            return kept
        }
        let enterpriseAnswers = answers(enterpriseResponse, at: "enterprise_response", subject: .enterprise)
        if workerResponses.count > 200 { issues.append(Issue("worker_responses", "too_many")) }
        let workerAnswers = workerResponses.enumerated().map { answers($1, at: "worker_responses[\($0)]", subject: .worker) }
        var newIDs: Set<String> = []
        for (i, r) in workerResponses.enumerated() {
            guard let w = r.newWorker else { continue }
            let path = "worker_responses[\(i)].new_worker"
            if r.workerID != nil { issues.append(Issue(path, "worker_and_new_worker")) }
            if w.name.trimmed.isEmpty { issues.append(Issue(path + ".name", "required")) }
            if w.name.count > 50 { issues.append(Issue(path + ".name", "too_long")) }
            if (w.job ?? "").count > 50 { issues.append(Issue(path + ".job", "too_long")) }
            if case .success(let id) = ResidentID.check(w.idNumber, today: ResidentID.day(of: now)) {
                if !newIDs.insert(id.value).inserted { issues.append(Issue(path + ".id_number", "duplicate_id_number")) }
            } else {
                issues.append(Issue(path + ".id_number", "bad_id_number"))
            }
            if let phone = w.phone, !phone.trimmed.isEmpty, Phone.normalise(phone) == nil { issues.append(Issue(path + ".phone", "bad_phone")) }
        }
        for (i, p) in problems.enumerated() {
            if p.description.trimmed.isEmpty { issues.append(Issue("problems[\(i)].description", "required")) }
            if p.description.count > 2_000 { issues.append(Issue("problems[\(i)].description", "too_long")) }
        }
        return (enterpriseAnswers, workerAnswers, issues)
    }
}
