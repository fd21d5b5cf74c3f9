// Webhook signatures with OpenSSL 3 EVP. Keys are kept as raw bytes in Ed25519KeyPair so the
// struct is copyable and comparable; an EVP_PKEY is built per operation (see bench_core for
// what that costs) and always freed through unique_ptr deleters, also on error paths.
#include "core/signing.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "core/base64.h"

namespace harness::core {
namespace {

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); } };
struct BioFree { void operator()(BIO* p) const { BIO_free(p); } };
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::string_view as_view(const std::array<unsigned char, 32>& a) {
  return {reinterpret_cast<const char*>(a.data()), a.size()};
}

PkeyPtr private_pkey(const Ed25519KeyPair& kp) {
  return PkeyPtr(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, kp.seed.data(), kp.seed.size()));
}

// Fills both halves of a key pair from an EVP_PKEY that holds an Ed25519 private key.
bool fill_from_pkey(EVP_PKEY* pkey, Ed25519KeyPair& kp) {
  if (!pkey || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) return false;
  size_t priv_len = kp.seed.size(), pub_len = kp.public_key.size();
  return EVP_PKEY_get_raw_private_key(pkey, kp.seed.data(), &priv_len) == 1 && priv_len == 32 &&
         EVP_PKEY_get_raw_public_key(pkey, kp.public_key.data(), &pub_len) == 1 && pub_len == 32;
}

Expected<Ed25519KeyPair, std::string> from_seed_bytes(std::string_view bytes) {
  Ed25519KeyPair kp;
  std::memcpy(kp.seed.data(), bytes.data(), 32);
  PkeyPtr pkey = private_pkey(kp);
  if (!fill_from_pkey(pkey.get(), kp)) return unexpected(std::string("OpenSSL rejected the Ed25519 seed"));
  return kp;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Unix seconds as Telnyx sends them: plain ASCII digits, optionally negative, no sign '+', no
// spaces, no fraction. At most 18 digits so the value always fits in int64.
std::optional<int64_t> parse_timestamp(std::string_view s) {
  bool neg = false;
  if (!s.empty() && s[0] == '-') { neg = true; s.remove_prefix(1); }
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return neg ? -v : v;
}

VerifyStatus check_window(int64_t ts, int64_t now, int64_t tolerance) {
  // Subtraction in the wide direction cannot overflow: |ts| < 10^18 and now is a real clock.
  if (now - ts > tolerance) return VerifyStatus::StaleTimestamp;
  if (ts - now > tolerance) return VerifyStatus::FutureTimestamp;
  return VerifyStatus::Ok;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // An empty key is legal for HMAC; OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty = 0;
  const void* k = key.empty() ? static_cast<const void*>(&kEmpty) : static_cast<const void*>(key.data());
  if (!HMAC(EVP_sha256(), k, static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), out, &len))
    return {};
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

std::string Ed25519KeyPair::public_key_base64() const { return base64_encode(as_view(public_key)); }
std::string Ed25519KeyPair::private_key_base64() const { return base64_encode(as_view(seed)); }

Ed25519KeyPair generate_ed25519() {
  // A fresh random seed from OpenSSL's CSPRNG; the public key is derived from it.
  for (;;) {
    std::array<unsigned char, 32> seed{};
    if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) != 1) continue;
    auto kp = from_seed_bytes(as_view(seed));
    if (kp) return kp.value();
  }
}

Expected<Ed25519KeyPair, std::string> load_ed25519_private(std::string_view base64_or_pem) {
  const std::string_view text = trim(base64_or_pem);
  if (text.empty()) return unexpected(std::string("key is empty"));
  if (text.rfind("-----BEGIN", 0) == 0) {
    if (text.rfind("-----BEGIN PRIVATE KEY-----", 0) != 0)
      return unexpected(std::string("PEM is not a PKCS#8 private key (expected 'BEGIN PRIVATE KEY')"));
    BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    if (!bio) return unexpected(std::string("out of memory"));
    // A callback that supplies no password: OpenSSL's default would prompt on the terminal
    // if it ever met an encrypted key.
    auto no_password = [](char*, int, int, void*) -> int { return 0; };
    PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
    if (!pkey) return unexpected(std::string("PEM could not be parsed as a private key"));
    if (EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519)
      return unexpected(std::string("PEM holds a private key that is not Ed25519"));
    Ed25519KeyPair kp;
    if (!fill_from_pkey(pkey.get(), kp)) return unexpected(std::string("Ed25519 key could not be read"));
    return kp;
  }
  const auto raw = base64_decode(text);
  if (!raw) return unexpected(std::string("key is neither PEM nor valid base64"));
  if (raw->size() == 64) {
    // libsodium's secret-key layout: seed followed by the public key; accept it when consistent.
    auto kp = from_seed_bytes(std::string_view(*raw).substr(0, 32));
    if (!kp) return kp;
    if (!constant_time_equal(as_view(kp.value().public_key), std::string_view(*raw).substr(32)))
      return unexpected(std::string("64-byte key: the public half does not match the seed"));
    return kp;
  }
  if (raw->size() != 32)
    return unexpected("base64 key must decode to a 32-byte Ed25519 seed (got " + std::to_string(raw->size()) +
                      " bytes)");
  return from_seed_bytes(*raw);
}

Expected<Ed25519KeyPair, std::string> load_ed25519_private_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected("cannot open key file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  auto kp = load_ed25519_private(ss.str());
  if (!kp) return unexpected("key file '" + path + "': " + kp.error());
  return kp;
}

std::string private_key_pem(const Ed25519KeyPair& kp) {
  PkeyPtr pkey = private_pkey(kp);
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!pkey || !bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return {};
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string public_key_pem(const Ed25519KeyPair& kp) {
  PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, kp.public_key.data(), kp.public_key.size()));
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!pkey || !bio || PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) return {};
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::optional<std::string> save_ed25519_private_file(const Ed25519KeyPair& kp, const std::string& path) {
  const std::string pem = private_key_pem(kp);
  if (pem.empty()) return std::string("could not encode the key as PEM");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot create '" + path + "': " + std::strerror(errno);
  // The file may have existed with wider permissions: O_CREAT's mode applies only to new files.
  if (::fchmod(fd, 0600) != 0) {
    const int e = errno;
    ::close(fd);
    return "cannot chmod '" + path + "': " + std::strerror(e);
  }
  size_t off = 0;
  while (off < pem.size()) {
    const ssize_t w = ::write(fd, pem.data() + off, pem.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      return "cannot write '" + path + "': " + std::strerror(e);
    }
    off += static_cast<size_t>(w);
  }
  if (::close(fd) != 0) return "cannot close '" + path + "': " + std::strerror(errno);
  return std::nullopt;
}

std::string sign_ed25519(const Ed25519KeyPair& kp, std::string_view timestamp, std::string_view body) {
  std::string msg;
  msg.reserve(timestamp.size() + 1 + body.size());
  msg.append(timestamp).append(1, '|').append(body);
  PkeyPtr pkey = private_pkey(kp);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned char sig[64];
  size_t sig_len = sizeof sig;
  if (!pkey || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &sig_len, reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) != 1)
    return {};
  return base64_encode(std::string_view(reinterpret_cast<const char*>(sig), sig_len));
}

struct Ed25519Signer::Impl {
  PkeyPtr pkey;
  // Initialised for signing with pkey once; each signature works on a copy of it. Initialising
  // (looking the algorithm up in the provider, preparing the key) was a fifth of every signature.
  MdCtxPtr proto;
};

Ed25519Signer::Ed25519Signer(const Ed25519KeyPair& kp) : kp_(kp) {
  auto impl = std::make_shared<Impl>();
  impl->pkey = private_pkey(kp);
  if (impl->pkey) {
    impl->proto.reset(EVP_MD_CTX_new());
    if (impl->proto && EVP_DigestSignInit(impl->proto.get(), nullptr, nullptr, nullptr, impl->pkey.get()) != 1)
      impl->proto.reset();
  }
  impl_ = std::move(impl);
}

std::string Ed25519Signer::sign(std::string_view timestamp, std::string_view body) const {
  if (!impl_ || !impl_->pkey) return sign_ed25519(kp_, timestamp, body);
  std::string msg;
  msg.reserve(timestamp.size() + 1 + body.size());
  msg.append(timestamp).append(1, '|').append(body);
  // One context per thread, reused: a copy of the prepared one (only read, so threads may copy
  // it at once), or a fresh initialisation if copying is not possible.
  thread_local MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return {};
  const bool ready = (impl_->proto && EVP_MD_CTX_copy_ex(ctx.get(), impl_->proto.get()) == 1) ||
                     EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->pkey.get()) == 1;
  unsigned char sig[64];
  size_t sig_len = sizeof sig;
  if (!ready ||
      EVP_DigestSign(ctx.get(), sig, &sig_len, reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) != 1)
    return {};
  return base64_encode(std::string_view(reinterpret_cast<const char*>(sig), sig_len));
}

std::string_view to_string(VerifyStatus s) {
  switch (s) {
    case VerifyStatus::Ok: return "ok";
    case VerifyStatus::MissingSignature: return "missing signature";
    case VerifyStatus::MissingTimestamp: return "missing timestamp";
    case VerifyStatus::BadTimestamp: return "timestamp is not an integer";
    case VerifyStatus::StaleTimestamp: return "timestamp too old";
    case VerifyStatus::FutureTimestamp: return "timestamp too far in the future";
    case VerifyStatus::BadSignatureEncoding: return "signature is malformed";
    case VerifyStatus::BadKey: return "public key is malformed";
    case VerifyStatus::Mismatch: return "signature does not match";
  }
  return "unknown";
}

VerifyStatus verify_ed25519(std::string_view public_key_base64, std::string_view signature_base64,
                            std::string_view timestamp, std::string_view body, int64_t now_unix,
                            int64_t tolerance_seconds) {
  if (signature_base64.empty()) return VerifyStatus::MissingSignature;
  if (timestamp.empty()) return VerifyStatus::MissingTimestamp;
  const auto key = base64_decode(trim(public_key_base64));
  if (!key || key->size() != 32) return VerifyStatus::BadKey;
  const auto sig = base64_decode(signature_base64);
  if (!sig || sig->size() != 64) return VerifyStatus::BadSignatureEncoding;
  const auto ts = parse_timestamp(timestamp);
  if (!ts) return VerifyStatus::BadTimestamp;
  if (const auto w = check_window(*ts, now_unix, tolerance_seconds); w != VerifyStatus::Ok) return w;

  PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                           reinterpret_cast<const unsigned char*>(key->data()), key->size()));
  if (!pkey) return VerifyStatus::BadKey;
  std::string msg;
  msg.reserve(timestamp.size() + 1 + body.size());
  msg.append(timestamp).append(1, '|').append(body);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) return VerifyStatus::BadKey;
  const int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                                  reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
  return rc == 1 ? VerifyStatus::Ok : VerifyStatus::Mismatch;
}

std::string hmac_signature_header(std::string_view secret, int64_t t, std::string_view body) {
  const std::string ts = std::to_string(t);
  std::string msg;
  msg.reserve(ts.size() + 1 + body.size());
  msg.append(ts).append(1, '.').append(body);
  return "t=" + ts + ",h=" + base64_encode(hmac_sha256(secret, msg));
}

VerifyStatus verify_hmac_header(std::string_view secret, std::string_view header, std::string_view body,
                                int64_t now_unix, std::optional<int64_t> tolerance_seconds) {
  header = trim(header);
  if (header.empty()) return VerifyStatus::MissingSignature;
  std::optional<std::string_view> t, h;
  // "t=<t>,h=<b64>" in any order, spaces around items tolerated; unknown items ignored.
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view item = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) return VerifyStatus::BadSignatureEncoding;
    const std::string_view k = trim(item.substr(0, eq)), v = trim(item.substr(eq + 1));
    if (k == "t") t = v;
    else if (k == "h") h = v;
  }
  if (!h || h->empty()) return VerifyStatus::MissingSignature;
  if (!t || t->empty()) return VerifyStatus::MissingTimestamp;
  const auto ts = parse_timestamp(*t);
  if (!ts) return VerifyStatus::BadTimestamp;
  const auto mac = base64_decode(*h);
  if (!mac || mac->size() != 32) return VerifyStatus::BadSignatureEncoding;
  if (tolerance_seconds) {
    if (const auto w = check_window(*ts, now_unix, *tolerance_seconds); w != VerifyStatus::Ok) return w;
  }
  // Recompute over the timestamp exactly as sent, not a re-formatted one.
  std::string msg;
  msg.reserve(t->size() + 1 + body.size());
  msg.append(*t).append(1, '.').append(body);
  return constant_time_equal(hmac_sha256(secret, msg), *mac) ? VerifyStatus::Ok : VerifyStatus::Mismatch;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Lengths are not secret (signatures have fixed sizes); contents are compared in constant time.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

SecretMatcher::SecretMatcher(std::string_view secret) : empty_(secret.empty()) {
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) throw std::runtime_error("no randomness for the secret matcher");
  key_.assign(reinterpret_cast<const char*>(key), sizeof key);
  digest_ = hmac_sha256(key_, secret);
}

bool SecretMatcher::matches(std::string_view presented) const {
  const std::string d = hmac_sha256(key_, presented);
  const bool same = d.size() == digest_.size() && !digest_.empty() &&
                    CRYPTO_memcmp(d.data(), digest_.data(), digest_.size()) == 0;
  return same && !empty_;
}

}  // namespace harness::core
