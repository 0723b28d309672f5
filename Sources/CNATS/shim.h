/* The official NATS C client (Debian: libnats-dev). */
#include <nats/nats.h>
