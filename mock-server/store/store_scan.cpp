// Store::scan_messages: one tenant's stored messages visited in place, for aggregates such as the
// messaging profile metrics, without copying them.
#include "store/store.h"

namespace harness::mock {

void Store::scan_messages(const std::string& tenant, const MessageVisitor& visit) const {
  auto s = find_shard(tenant);
  if (!s) return;
  std::lock_guard<std::mutex> lk(s->msg_mu);
  held(s->id, "scan_messages");
  for (size_t i = 0; i < s->messages.size(); ++i) {
    StoredMessage& sm = s->messages[i];
    catch_up(sm);   // the statuses a read would show now
    visit(sm.message, sm.created);
  }
}

}  // namespace harness::mock
