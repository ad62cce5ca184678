import Vapor

/// Every route of the app. Pages sit behind the session and CSRF checks; `/api/v1` behind a
/// bearer token. Every path is a `Site` or an `APIRoute`; handlers are thin: they call the
/// features' services and hand what they return to a page model.
func routes(_ app: Application) throws {
    app.get(Site.healthz) { _ in "ok" }

    let pages = app.grouped(SessionMiddleware(), CSRFMiddleware())
    try pages.register(collection: SignInPages())
    let signedIn = pages.grouped(RequireSignIn())
    try signedIn.register(collection: HomePage())
    try signedIn.register(collection: OrgUnitPages())
    try signedIn.register(collection: PeoplePages())
    try signedIn.register(collection: TransferPages())
    try signedIn.register(collection: EnterprisePages())
    try signedIn.register(collection: DuplicatePages())
    try signedIn.register(collection: WorkerPages())
    try signedIn.register(collection: CampaignPages())
    try signedIn.register(collection: AssignmentPages())
    try signedIn.register(collection: TokenPages())
    try signedIn.register(collection: AuditPages())
    try signedIn.register(collection: VisitPages())
    try signedIn.register(collection: ProblemPages())
    try signedIn.register(collection: ProblemSettingsPages())
    try signedIn.register(collection: SupervisionPages())
    try signedIn.register(collection: ReportPages())
    try signedIn.register(collection: StatisticsPages())
    try signedIn.register(collection: DashboardPages())
    try signedIn.register(collection: QuestionnairePages())

    // The API described, for integrators before they have a token.
    let document = try OpenAPIDocument.json()
    app.get(APIRoute.openAPI) { _ in
        Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300"],
                 body: .init(data: document))
    }
    let api = app.grouped(BearerMiddleware())
    try api.register(collection: OrgUnitAPI())
    try api.register(collection: UserAPI())
    try api.register(collection: EnterpriseAPI())
    try api.register(collection: WorkerAPI())
    try api.register(collection: AuditAPI())
    try api.register(collection: VisitAPI())
    try api.register(collection: ProblemAPI())
    try api.register(collection: SupervisionAPI())
    try api.register(collection: ReportAPI())
    try api.register(collection: ProgressAPI())
    try api.register(collection: AssignmentAPI())
    try api.register(collection: CampaignAPI())
}
