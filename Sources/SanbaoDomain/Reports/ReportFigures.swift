/// What a periodic report says in numbers, as the system fills it in: the period's work and the
/// campaign's so far (for the unit's whole subtree), the task decomposition table's targets,
/// the problems by category, and the cases worth naming. Kept as JSON on the report when it is
/// submitted, so that an accepted report keeps saying what it said.
public struct ReportFigures: Codable, Sendable, Equatable {
    public struct Counts: Codable, Sendable, Equatable {
        public var visits = 0
        public var enterprises = 0
        public var workers = 0
        public var questionnaires = 0
        public var problemsFound = 0
        public var problemsResolved = 0
        public init() {}
    }

    /// The campaign's targets for the unit: its rows of the task decomposition table summed
    /// over the stages.
    public struct Targets: Codable, Sendable, Equatable {
        public var enterprises = 0
        public var workers = 0
        public var questionnaires = 0
        public var problems = 0
        public init() {}
    }

    public struct Category: Codable, Sendable, Equatable {
        public var category: String
        public var found, resolved: Int
        /// Open at the time the figures were taken (found at any time).
        public var open: Int
        public init(category: String, found: Int, resolved: Int, open: Int) {
            self.category = category
            self.found = found
            self.resolved = resolved
            self.open = open
        }
    }

    /// A problem worth naming in the report: serious ones found in the period, and the
    /// longest overdue.
    public struct Case: Codable, Sendable, Equatable {
        public var problemID, enterprise, category, severity, status, reportedOn: String
        public var deadline: String?
        public var overdue: Bool
        public init(problemID: String, enterprise: String, category: String, severity: String, status: String,
                    reportedOn: String, deadline: String?, overdue: Bool) {
            self.problemID = problemID
            self.enterprise = enterprise
            self.category = category
            self.severity = severity
            self.status = status
            self.reportedOn = reportedOn
            self.deadline = deadline
            self.overdue = overdue
        }
    }

    public var period = Counts()
    public var cumulative = Counts()
    public var targets = Targets()
    public var overdueNow = 0
    public var categories: [Category] = []
    public var cases: [Case] = []
    /// When they were taken: "YYYY-MM-DD HH:mm" in the campaign's zone.
    public var takenAt = ""

    public init() {}

    /// Share of the enterprise target visited so far, or nil without a target.
    public var enterpriseCompletion: Double? {
        targets.enterprises > 0 ? Double(cumulative.enterprises) / Double(targets.enterprises) : nil
    }
}
