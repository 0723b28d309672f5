/* The official NATS C client (Debian: libnats-dev), used bare: the baseline of the NATS benchmarks. */
#include <nats/nats.h>
