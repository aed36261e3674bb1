import { describe, expect, it } from "vitest";
import { addressList } from "../outbound/policy";
import { clientAddress } from "./request-meta";

// Security review L2: X-Forwarded-For is believed only through configured trusted proxies.
describe("clientAddress", () => {
  const none = addressList("");
  const proxies = addressList("10.0.0.0/8, 127.0.0.1");

  it("without trusted proxies, is the connection's peer whatever X-Forwarded-For says", () => {
    expect(clientAddress("198.51.100.9", "203.0.113.7", none)).toBe("198.51.100.9");
    expect(clientAddress("::ffff:198.51.100.9", undefined, none)).toBe("198.51.100.9");
  });

  it("through trusted proxies, is the right-most hop that is not one of them", () => {
    expect(clientAddress("10.0.0.2", "203.0.113.7", proxies)).toBe("203.0.113.7");
    // The client wrote the left-most hop itself: never believed.
    expect(clientAddress("10.0.0.2", "1.2.3.4, 203.0.113.7, 10.0.0.5", proxies)).toBe("203.0.113.7");
    expect(clientAddress("127.0.0.1", "garbage, 10.0.0.5", proxies)).toBe("10.0.0.5");
  });

  it("a request that did not come through a trusted proxy keeps its peer address", () => {
    expect(clientAddress("198.51.100.9", "10.0.0.1", proxies)).toBe("198.51.100.9");
  });
});
