/// Why a row (or a whole file) was refused. The app turns the code into a sentence in the
/// user's language; `detail` carries the value or reference the sentence needs.
public struct ImportIssue: Sendable, Equatable, Codable {
    /// The file's line number (the header is line 1); 0 for problems with the whole file.
    public var row: Int
    public var column, value: String
    public var reason: Reason
    public var detail: String

    public init(row: Int, column: String = "", value: String = "", reason: Reason, detail: String = "") {
        self.row = row
        self.column = column
        self.value = value
        self.reason = reason
        self.detail = detail
    }

    public enum Reason: String, Sendable, Codable, CaseIterable, Error {
        case missingColumn = "missing_column"
        case unknownColumn = "unknown_column"
        case duplicateColumn = "duplicate_column"
        case emptyFile = "empty_file"
        case undecodable
        case syntax
        case wrongFieldCount = "wrong_field_count"
        case required
        case tooLong = "too_long"
        case badFormat = "bad_format"
        case badKind = "bad_kind"
        case badSector = "bad_sector"
        case badNumber = "bad_number"
        case outOfRange = "out_of_range"
        case duplicateCode = "duplicate_code"
        case unknownParent = "unknown_parent"
        case parentRejected = "parent_rejected"
        case cycle
        case secondRoot = "second_root"
        case retiredParent = "retired_parent"
        case unknownUnit = "unknown_unit"
        case outsideScope = "outside_scope"
        case badPhone = "bad_phone"
        case usernameTaken = "username_taken"
        case badCreditCode = "bad_credit_code"
        case legacyCode = "legacy_code"
        case badChoice = "bad_choice"
        case badIDNumber = "bad_id_number"
        case badSpreadsheet = "bad_spreadsheet"
        case unknownEnterprise = "unknown_enterprise"
        case notAWeekend = "not_a_weekend"
        case badDate = "bad_date"
    }
}

/// What an import would do with a valid row.
public enum ImportAction: Sendable, Equatable { case create, update, unchanged }

/// What an import did, as every import command and page reports it.
public struct ImportSummary: Sendable, Equatable, Codable {
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0
    public var encoding: String = ""
    /// True when `--all-or-nothing` was asked for and a row failed, so nothing was written.
    public var rolledBack = false

    public init() {}

    /// Counts a plan: its rows' actions, and the distinct lines its issues refuse.
    public init(actions: [ImportAction], issues: [ImportIssue]) {
        for action in actions {
            switch action {
            case .create: created += 1
            case .update: updated += 1
            case .unchanged: unchanged += 1
            }
        }
        // An unknown column is a warning about the header, not a refused row.
        rejected = Set(issues.filter { $0.row > 0 && $0.reason != .unknownColumn }.map(\.row)).count
    }
}

public enum ImportMode: String, Sendable {
    /// Write every valid row; list the rejected ones.
    case validRows = "valid_rows"
    /// Write nothing if any row is rejected.
    case allOrNothing = "all_or_nothing"
}
