import Foundation
import TechFlunkyCore

/// Wire values for the fake servers of these tests.
enum Fixtures {
    static let date = Date(timeIntervalSince1970: 1_790_000_000)

    static func summary(_ n: Int, title: String? = nil) -> ListingSummary {
        ListingSummary(id: "lst_\(n)", slug: "business-\(n)", title: title ?? "Business \(n)", tagline: "Tagline \(n)",
                       category: n.isMultiple(of: 2) ? "saas" : "ecommerce", askingPrice: .usd(Int64(n) * 100_000),
                       monthlyRevenue: .usd(500_000), monthlyProfit: .usd(200_000), ageMonths: 12 + n,
                       techStack: ["Workers", "D1"], monthlyVisitors: 1000 * n,
                       seller: SellerSummary(id: "acc_seller", displayName: "Seller"), createdAt: date)
    }

    static func events(deploymentId: String, count: Int) -> [DeploymentEvent] {
        (1...count).map { seq in
            if seq == count {
                return DeploymentEvent(seq: seq, deploymentId: deploymentId, kind: .deployment, at: date, state: .succeeded, url: "https://x.workers.dev")
            }
            if seq == 1 {
                return DeploymentEvent(seq: seq, deploymentId: deploymentId, kind: .deployment, at: date, state: .running)
            }
            let step = DeploymentStepKind.allCases[seq % DeploymentStepKind.allCases.count]
            return DeploymentEvent(seq: seq, deploymentId: deploymentId, kind: .log, at: date, step: step, message: "line \(seq) \u{00E9}\u{65E5}")
        }
    }

    static func deployment(id: String, state: DeploymentState, lastEventId: Int) -> Deployment {
        Deployment(id: id, orderId: "ord_1", listingSlug: "business-1", accountId: "cf_acc", domain: nil, state: state,
                   steps: DeploymentStepKind.allCases.map { DeploymentStep(kind: $0) }, resources: [], url: nil,
                   lastMessage: nil, lastEventId: lastEventId, createdAt: date, updatedAt: date)
    }

    static func sse(_ event: DeploymentEvent) -> String {
        let json = String(decoding: try! WireJSON.encode(event), as: UTF8.self)
        return SSEEncoder.encode(SSEFrame(id: String(event.seq), event: event.kind.rawValue, data: json))
    }
}
