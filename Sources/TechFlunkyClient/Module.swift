// TechFlunkyClient: the service layer the terminal UI and the scripting commands use — a typed call
// for every platform endpoint (`PlatformClient`), the UI's requests as values (`MarketplaceService`,
// `ServiceRequest`/`ServiceResponse`, and `ServiceFailure`: the one mapping of `ClientError` for the UI),
// deployment event streams that survive a broken connection (`DeploymentEventStream`), configuration
// (`ClientConfiguration`, `SessionTokenStore`) and `SafeText` for printing untrusted API text.
// May import TechFlunkyHTTP and TechFlunkyCore.
