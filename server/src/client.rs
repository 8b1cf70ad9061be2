//! Where a request came from. Behind a reverse proxy every request's peer is the proxy; the
//! client is the address the proxy appended to `X-Forwarded-For`. That header is believed only
//! from the proxies the operator names (`--trusted-proxies`): anyone else could write anything
//! in it, and the login throttle counts failures per client address.

use crate::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use beerflow_core::auth::ClientAddr;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// An address (`10.0.0.5`, a single host) or a network (`10.0.0.0/8`).
pub fn parse_net(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{s}` is neither an IP address nor a network (e.g. 10.0.0.0/8)"))
}

/// The client of a request from `peer` carrying these `X-Forwarded-For` values: `peer` itself
/// unless it is a trusted proxy; else, reading the header from the right (the nearest hop
/// first), the first address that is not a trusted proxy (each trusted proxy appends the
/// address it got the request from, so what stands left of an untrusted one may be forged and
/// is never read). A hop that is not an address ends the walk: the last address read is the
/// client (the proxy itself if the header is garbage from the start). IPv4 addresses written as
/// IPv6 (`::ffff:10.0.0.1`, a dual-stack listener's) count as the IPv4 address.
pub fn client_ip(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    let peer = peer.to_canonical();
    if !is_trusted(&peer) {
        return peer;
    }
    let hops = forwarded_for.iter().flat_map(|v| v.split(',')).map(str::trim).collect::<Vec<_>>();
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        let Ok(hop) = hop.parse::<IpAddr>().map(|ip| ip.to_canonical()) else { break };
        client = hop;
        if !is_trusted(&hop) {
            break;
        }
    }
    client
}

fn forwarded_for(headers: &HeaderMap) -> Vec<&str> {
    headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect()
}

/// Puts the request's `ClientAddr` in its extensions.
pub async fn client_addr(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let ip = client_ip(peer.ip(), &forwarded_for(request.headers()), &state.trusted_proxies);
        request.extensions_mut().insert(ClientAddr(ip));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let trusted = [parse_net("127.0.0.1").unwrap(), parse_net("10.0.0.0/8").unwrap()];
        // Straight from a client: its own address, whatever it claims.
        assert_eq!(client_ip(ip("203.0.113.9"), &["198.51.100.1"], &trusted), ip("203.0.113.9"));
        // Through the proxy: the address the proxy appended.
        assert_eq!(client_ip(ip("127.0.0.1"), &["203.0.113.5"], &trusted), ip("203.0.113.5"));
        // A client's forged entry left of the real one does not count.
        assert_eq!(client_ip(ip("127.0.0.1"), &["1.2.3.4, 203.0.113.5"], &trusted), ip("203.0.113.5"));
        // Through two trusted hops (the load balancer, then nginx).
        assert_eq!(client_ip(ip("127.0.0.1"), &["203.0.113.5", "10.1.2.3"], &trusted), ip("203.0.113.5"));
        // Only proxies in the header: the leftmost.
        assert_eq!(client_ip(ip("127.0.0.1"), &["10.0.0.7"], &trusted), ip("10.0.0.7"));
        // No header, or garbage in it: the proxy itself.
        assert_eq!(client_ip(ip("127.0.0.1"), &[], &trusted), ip("127.0.0.1"));
        assert_eq!(client_ip(ip("127.0.0.1"), &["unknown"], &trusted), ip("127.0.0.1"));
        // Garbage a client wrote left of what the proxy appended is never read.
        assert_eq!(client_ip(ip("127.0.0.1"), &["junk, 203.0.113.5"], &trusted), ip("203.0.113.5"));
        // A dual-stack listener's IPv4 peer, and an IPv4 address written as IPv6.
        assert_eq!(client_ip(ip("::ffff:127.0.0.1"), &["::ffff:203.0.113.5"], &trusted), ip("203.0.113.5"));
        // Nothing trusted (the default): the header is never read.
        assert_eq!(client_ip(ip("127.0.0.1"), &["203.0.113.5"], &[]), ip("127.0.0.1"));
        assert!(parse_net("not-an-ip").unwrap_err().contains("not-an-ip"));
        assert_eq!(parse_net("::1").unwrap(), "::1/128".parse::<IpNet>().unwrap());
    }
}
