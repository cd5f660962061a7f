import Foundation
import Hummingbird
import TechFlunkyCore

/// `GET /api/listings`, `GET /api/listings/{slug}`, `GET /api/categories`: public, no sign-in needed.
enum CatalogRoutes {
    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        api.get("listings") { request, _ -> Response in
            let query = try parseQuery(request.uri.queryParameters)
            let generation = services.catalogGeneration.current
            let body = try await services.listingPages.body(for: query, generation: generation) {
                // Written by hand (ListingPageJSON): the same bytes as WireJSON.encode, at a fraction of the cost.
                ByteBuffer(bytes: ListingPageJSON.encode(try await services.catalog.search(query)))
            }
            // Pages are cached as encoded bytes (ListingPageCache; ListingPageFastPath answers hits before the router).
            return WireResponseEncoder.response(json: body)
        }

        api.get("listings/:slug") { _, context -> Listing in
            let slug = try context.parameters.require("slug")
            guard var listing = try await services.catalog.listing(slug: slug) else {
                throw PlatformError.notFound("no listing `\(slug)`")
            }
            // A reservation counts until its checkout session ends on the platform's clock.
            if let until = listing.reservedUntil, until <= services.clock.now() { listing.reservedUntil = nil }
            listing.versions = try await services.versions.versions(slug: slug)
            return listing
        }

        api.get("categories") { _, _ -> CategoriesResponse in
            CategoriesResponse(categories: try await services.catalog.categories())
        }
    }


    static func parseQuery(_ parameters: Parameters) throws -> ListingQuery {
        // A parameter given with no value (`minPrice=`) is not a number: refused, not read as absent.
        func integer(_ name: String) throws -> Int64? {
            guard let text = parameters.get(name) else { return nil }
            guard let value = Int64(text), value >= 0 else {
                throw PlatformError.badRequest("`\(name)` must be a whole non-negative number of minor units (cents)", field: name)
            }
            return value
        }
        var query = ListingQuery()
        if let q = parameters.get("q"), !q.isEmpty {
            // Refused, not cut: a cut query would answer a different question than the one asked.
            guard q.unicodeScalars.count <= ListingQuery.maxQueryLength else {
                throw PlatformError.badRequest("`q` is longer than \(ListingQuery.maxQueryLength) characters; search for fewer words", field: "q")
            }
            query.q = q
        }
        query.category = parameters.get("category").flatMap { $0.isEmpty ? nil : $0 }
        query.minPrice = try integer("minPrice")
        query.maxPrice = try integer("maxPrice")
        if let sort = parameters.get("sort") {
            guard let value = ListingSort(rawValue: sort) else {
                throw PlatformError.badRequest("`sort` must be one of \(ListingSort.allCases.map(\.rawValue).joined(separator: ", "))", field: "sort")
            }
            query.sort = value
        }
        if let reverse = parameters.get("reverse") {
            // As the schema's boolean: `true` or `false`, nothing else (no `1`, no empty value).
            switch reverse {
            case "true": query.reverse = true
            case "false": query.reverse = false
            default: throw PlatformError.badRequest("`reverse` must be true or false", field: "reverse")
            }
        }
        query.cursor = parameters.get("cursor").flatMap { $0.isEmpty ? nil : $0 }
        if let limit = parameters.get("limit") {
            guard let value = Int(limit) else { throw PlatformError.badRequest("`limit` must be a number from 1 to \(ListingQuery.maxLimit)", field: "limit") }
            query.limit = value
        }
        if let min = query.minPrice, let max = query.maxPrice, min > max {
            throw PlatformError.badRequest("minPrice is above maxPrice", field: "minPrice")
        }
        return query
    }
}
