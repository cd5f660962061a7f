// TechFlunkyClient: the service layer the terminal UI and the scripting commands use — a typed call
// for every platform endpoint (`PlatformClient`), the UI's requests as values (`MarketplaceService`,
// `ServiceRequest`/`ServiceResponse`, and `ServiceFailure`: the one mapping of `ClientError` for the UI),
// deployment event streams that survive a broken connection (`DeploymentEventStream`), configuration
// (`ClientConfiguration`, `SessionTokenStore`). The server's words in errors are made terminal-safe with
// TechFlunkyText's `TextSanitizer`.
// May import TechFlunkyHTTP, TechFlunkyText and TechFlunkyCore.
