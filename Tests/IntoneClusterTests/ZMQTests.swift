import Foundation
import Testing
import IntoneCluster

/// The ZeroMQ wrapper over real sockets on loopback.
struct ZMQTests {
    @Test func libraryHasCurve() {
        #expect(ZMQ.version.major == 4)
        #expect(ZMQ.hasCurve)
    }

    @Test func routerAndDealerExchangeMultipartMessages() throws {
        let context = ZMQContext()
        let router = try ZMQSocket(context: context, kind: .router)
        try router.bind("tcp://127.0.0.1:*")
        let endpoint = router.lastEndpoint
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        try dealer.setRoutingID(Array("worker-1".utf8))
        try dealer.connect(endpoint)

        let payload = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try dealer.send([Array("hello".utf8), [], payload])
        let received = try #require(try router.receive(timeout: 5000))
        #expect(received.count == 4)  // routing id + the three frames
        #expect(received[0] == Array("worker-1".utf8))
        #expect(received[1] == Array("hello".utf8))
        #expect(received[2] == [])
        #expect(received[3] == payload)

        try router.send([received[0], Array("reply".utf8)])
        let reply = try #require(try dealer.receive(timeout: 5000))
        #expect(reply == [Array("reply".utf8)])
    }

    @Test func receiveTimesOutWithNil() throws {
        let context = ZMQContext()
        let router = try ZMQSocket(context: context, kind: .router)
        try router.bind("tcp://127.0.0.1:*")
        let start = Date()
        #expect(try router.receive(timeout: 50) == nil)
        #expect(Date().timeIntervalSince(start) >= 0.04)
    }

    @Test func bindingABadEndpointNamesIt() throws {
        let socket = try ZMQSocket(context: ZMQContext(), kind: .router)
        let error = try #require(throws: ZMQError.self) { try socket.bind("nonsense://here") }
        #expect(error.description.hasPrefix("bind nonsense://here: "))
    }
}
