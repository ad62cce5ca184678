import Fluent

/// The one ordered list of schema changes. Landed migrations never change; a change is a new
/// migration at the end. Each must mean the same on SQLite and PostgreSQL.
enum Migrations {
    /// `photoDirectory`: where photos were kept as files before v10 moved them into the database.
    static func all(photoDirectory: String) -> [any Migration] { [
        CreateOrgUnits(),
        CreateUsers(),
        CreateCadres(),
        CreateUserSessions(),
        CreateApiTokens(),
        CreateAuditEvents(),
        // v2: the enterprise registry
        CreateEnterprises(),
        CreateWorkers(),
        // v3: the campaign, its task decomposition table and the assignment
        CreateCampaigns(),
        CreateAssignments(),
        // v4: visits and questionnaires
        CreateQuestionnaires(),
        CreateVisits(),
        CreatePhotos(),
        // v5: leaner answer rows
        LeanAnswers(),
        // v6: the problem ledger
        CreateWorkingCalendar(),
        CreateProblemLedger(),
        CreateProblemScan(),
        AddProblemExtensions(),
        // v7: referral pauses, merging, supervision orders
        AddProblemPauseAndMerge(),
        CreateSupervision(),
        CreateProblemTallies(),
        CreateProblemEvidence(),
        AddReferralReplyBy(),
        // v8: periodic reports
        CreateReports(),
        CreateVisitTallies(),
        AddTallyPending(),
        CreatePairTallies(),
        // v9: one-time keys of page forms
        CreateFormSubmissions(),
        // v10: photos in the database, for every instance behind a load balancer
        MovePhotosIntoDatabase(photoDirectory: photoDirectory),
    ] }
}
