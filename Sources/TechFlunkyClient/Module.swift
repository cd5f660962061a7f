// TechFlunkyClient: the service layer the terminal UI and the scripting commands use — a typed call
// for every platform endpoint (`PlatformClient`), deployment event streams that survive a broken
// connection (`DeploymentEventStream`), configuration (`ClientConfiguration`, `SessionTokenStore`)
// and `SafeText` for printing untrusted API text. May import TechFlunkyHTTP and TechFlunkyCore.
