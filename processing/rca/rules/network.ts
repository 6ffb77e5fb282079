/** Network: resets and retransmissions in the captured traffic. */
import { finding, num, type Rule } from './rule.ts';

/** Above a few percent of packets, resets and retransmissions are no longer background noise. */
const WARNING_PCT = 5;

export const networkErrors: Rule = (evidence) => {
  const net = evidence.find((e) => e.id === 'ev-network');
  if (!net) return [];
  const resets = num(net, 'resetPct') ?? 0;
  const retrans = num(net, 'retransmissionPct') ?? 0;
  if (resets < WARNING_PCT && retrans < WARNING_PCT) return [];
  return [
    finding(
      'NetworkErrors',
      'warning',
      'capture',
      resets >= retrans ? `${resets}% of packets were TCP resets` : `${retrans}% of packets were retransmissions`,
      'Connections are refused or dropped: check the peer (top talker), NetworkPolicies, and connection limits.',
      [net],
    ),
  ];
};
