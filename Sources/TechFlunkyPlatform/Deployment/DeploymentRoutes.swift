import Hummingbird

/// `/api/deploy…` routes. Owned by the deployment engineer; `PlatformApplication` calls `register` with the
/// `/api` group (bearer auth already resolved: use `context.requireAccount()`) and the shared services.
enum DeploymentRoutes {
    static func register(on api: RouterGroup<PlatformRequestContext>, services: PlatformServices) {}
}
