#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "core/base64.h"
#include "core/signing.h"
#include "support/paths.h"

using namespace harness::core;
using harness::testing::fixture;

namespace {

constexpr int64_t kNow = 1740830404;
const std::string kTs = "1740830404";
const std::string kBody = R"({"data":{"event_type":"message.sent","id":"e1"}})";

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Ed25519KeyPair test_key() {
  auto kp = load_ed25519_private(fixture("keys/test_ed25519.pem"));
  EXPECT_TRUE(kp.ok()) << (kp.ok() ? "" : kp.error());
  return kp.value();
}

std::string flip_one_bit(std::string b64) {
  auto raw = base64_decode(b64).value();
  raw[10] = static_cast<char>(raw[10] ^ 0x01);
  return base64_encode(raw);
}

}  // namespace

TEST(CoreSigningTest, FixturePemMatchesPublicKeyFile) {
  const Ed25519KeyPair kp = test_key();
  EXPECT_EQ(kp.public_key_base64(), trimmed(fixture("keys/test_ed25519.pub.b64")));
  EXPECT_EQ(kp.private_key_base64(), trimmed(fixture("keys/test_ed25519.seed.b64")));
}

TEST(CoreSigningTest, SeedFileLoadsTheSameKey) {
  const auto from_seed = load_ed25519_private(fixture("keys/test_ed25519.seed.b64"));
  ASSERT_TRUE(from_seed.ok()) << from_seed.error();
  EXPECT_EQ(from_seed.value().public_key, test_key().public_key);
  const auto from_file = load_ed25519_private_file(harness::testing::source_path("fixtures/keys/test_ed25519.pem"));
  ASSERT_TRUE(from_file.ok());
  EXPECT_EQ(from_file.value().seed, test_key().seed);
}

TEST(CoreSigningTest, Rfc8032PublicKeyDerivation) {
  // RFC 8032 §7.1 TEST 1 key pair: the public key derived from the published secret.
  const std::string seed_hex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  const std::string pub_hex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  auto unhex = [](const std::string& h) {
    std::string out;
    for (size_t i = 0; i < h.size(); i += 2) out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
    return out;
  };
  const auto kp = load_ed25519_private(base64_encode(unhex(seed_hex)));
  ASSERT_TRUE(kp.ok());
  EXPECT_EQ(kp.value().public_key_base64(), base64_encode(unhex(pub_hex)));
}

TEST(CoreSigningTest, SignThenVerify) {
  const auto kp = test_key();
  const std::string sig = sign_ed25519(kp, kTs, kBody);
  EXPECT_EQ(base64_decode(sig).value().size(), 64u);
  EXPECT_EQ(verify_ed25519(kp.public_key_base64(), sig, kTs, kBody, kNow), VerifyStatus::Ok);
  // Ed25519 is deterministic: same key and message, same signature.
  EXPECT_EQ(sign_ed25519(kp, kTs, kBody), sig);
}

TEST(CoreSigningTest, SignatureCoversTimestampAndBodyWithPipe) {
  const auto kp = test_key();
  const std::string sig = sign_ed25519(kp, kTs, kBody);
  // "1|2|3" either way: the signed bytes are exactly ts + '|' + body, nothing else.
  EXPECT_EQ(sign_ed25519(kp, "1", "2|3"), sign_ed25519(kp, "1|2", "3"));
  EXPECT_NE(sign_ed25519(kp, "1", "23"), sign_ed25519(kp, "12", "3"));
  EXPECT_EQ(verify_ed25519(kp.public_key_base64(), sig, "1740830405", kBody, kNow), VerifyStatus::Mismatch);
}

TEST(CoreSigningTest, TamperedBodyIsRejected) {
  const auto kp = test_key();
  const std::string sig = sign_ed25519(kp, kTs, kBody);
  std::string tampered = kBody;
  tampered[20] = 'X';
  EXPECT_EQ(verify_ed25519(kp.public_key_base64(), sig, kTs, tampered, kNow), VerifyStatus::Mismatch);
  EXPECT_EQ(verify_ed25519(kp.public_key_base64(), sig, kTs, kBody + " ", kNow), VerifyStatus::Mismatch);
  EXPECT_EQ(verify_ed25519(kp.public_key_base64(), flip_one_bit(sig), kTs, kBody, kNow), VerifyStatus::Mismatch);
}

TEST(CoreSigningTest, WrongKeyIsRejected) {
  const auto kp = test_key();
  const auto other = generate_ed25519();
  EXPECT_NE(other.public_key, kp.public_key);
  const std::string sig = sign_ed25519(kp, kTs, kBody);
  EXPECT_EQ(verify_ed25519(other.public_key_base64(), sig, kTs, kBody, kNow), VerifyStatus::Mismatch);
}

TEST(CoreSigningTest, ToleranceIsThreeHundredSecondsBothWays) {
  const auto kp = test_key();
  const std::string sig = sign_ed25519(kp, kTs, kBody);
  const std::string pub = kp.public_key_base64();
  EXPECT_EQ(verify_ed25519(pub, sig, kTs, kBody, kNow + 300), VerifyStatus::Ok);
  EXPECT_EQ(verify_ed25519(pub, sig, kTs, kBody, kNow - 300), VerifyStatus::Ok);
  EXPECT_EQ(verify_ed25519(pub, sig, kTs, kBody, kNow + 301), VerifyStatus::StaleTimestamp);
  EXPECT_EQ(verify_ed25519(pub, sig, kTs, kBody, kNow - 301), VerifyStatus::FutureTimestamp);
  EXPECT_EQ(verify_ed25519(pub, sig, kTs, kBody, kNow + 10, 5), VerifyStatus::StaleTimestamp);
}

TEST(CoreSigningTest, MissingAndMalformedInputs) {
  const auto kp = test_key();
  const std::string pub = kp.public_key_base64();
  const std::string sig = sign_ed25519(kp, kTs, kBody);
  EXPECT_EQ(verify_ed25519(pub, "", kTs, kBody, kNow), VerifyStatus::MissingSignature);
  EXPECT_EQ(verify_ed25519(pub, sig, "", kBody, kNow), VerifyStatus::MissingTimestamp);
  for (const char* ts : {"abc", "17408304.04", " 1740830404", "+1740830404", "1e9", "99999999999999999999"})
    EXPECT_EQ(verify_ed25519(pub, sig, ts, kBody, kNow), VerifyStatus::BadTimestamp) << ts;
  EXPECT_EQ(verify_ed25519(pub, "not base64!", kTs, kBody, kNow), VerifyStatus::BadSignatureEncoding);
  EXPECT_EQ(verify_ed25519("%%%", sig, kTs, kBody, kNow), VerifyStatus::BadKey);
}

TEST(CoreSigningTest, WrongLengthsAreRejected) {
  const auto kp = test_key();
  const std::string sig = sign_ed25519(kp, kTs, kBody);
  const std::string raw_pub(reinterpret_cast<const char*>(kp.public_key.data()), 32);
  EXPECT_EQ(verify_ed25519(base64_encode(raw_pub.substr(0, 31)), sig, kTs, kBody, kNow), VerifyStatus::BadKey);
  EXPECT_EQ(verify_ed25519(base64_encode(raw_pub + "x"), sig, kTs, kBody, kNow), VerifyStatus::BadKey);
  const std::string raw_sig = base64_decode(sig).value();
  EXPECT_EQ(verify_ed25519(kp.public_key_base64(), base64_encode(raw_sig.substr(0, 63)), kTs, kBody, kNow),
            VerifyStatus::BadSignatureEncoding);
  EXPECT_EQ(verify_ed25519(kp.public_key_base64(), base64_encode(raw_sig + "x"), kTs, kBody, kNow),
            VerifyStatus::BadSignatureEncoding);
}

TEST(CoreSigningTest, LoadRejectsBadKeys) {
  const std::string s31 = base64_encode(std::string(31, 'k'));
  const std::string s33 = base64_encode(std::string(33, 'k'));
  auto r31 = load_ed25519_private(s31);
  ASSERT_FALSE(r31.ok());
  EXPECT_NE(r31.error().find("got 31 bytes"), std::string::npos) << r31.error();
  EXPECT_FALSE(load_ed25519_private(s33).ok());
  EXPECT_FALSE(load_ed25519_private("").ok());
  EXPECT_FALSE(load_ed25519_private("not base64 at all").ok());
  EXPECT_FALSE(load_ed25519_private("-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n").ok());
  EXPECT_FALSE(load_ed25519_private("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n").ok());
  EXPECT_FALSE(load_ed25519_private_file("/nonexistent/dir/key.pem").ok());
}

TEST(CoreSigningTest, LoadRejectsNonEd25519Pem) {
  // The TLS fixture key is RSA: a PKCS#8 private key, but not Ed25519.
  const auto r = load_ed25519_private(fixture("tls/key.pem"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("not Ed25519"), std::string::npos) << r.error();
}

TEST(CoreSigningTest, AcceptsLibsodiumSixtyFourByteSecretKey) {
  const auto kp = test_key();
  const std::string seed(reinterpret_cast<const char*>(kp.seed.data()), 32);
  const std::string pub(reinterpret_cast<const char*>(kp.public_key.data()), 32);
  const auto ok = load_ed25519_private(base64_encode(seed + pub));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value().public_key, kp.public_key);
  std::string wrong_pub = pub;
  wrong_pub[0] = static_cast<char>(wrong_pub[0] ^ 1);
  EXPECT_FALSE(load_ed25519_private(base64_encode(seed + wrong_pub)).ok());
}

TEST(CoreSigningTest, PemRoundTripAndSaveWithMode0600) {
  const auto kp = generate_ed25519();
  const std::string pem = private_key_pem(kp);
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  const auto back = load_ed25519_private(pem);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value().seed, kp.seed);
  EXPECT_EQ(public_key_pem(kp).rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);

  char tmpl[] = "/tmp/core_key_XXXXXX";
  const int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  close(fd);
  chmod(tmpl, 0644);   // saving must tighten an existing file too
  EXPECT_EQ(save_ed25519_private_file(kp, tmpl), std::nullopt);
  struct stat st {};
  ASSERT_EQ(stat(tmpl, &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const auto loaded = load_ed25519_private_file(tmpl);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.value().public_key, kp.public_key);
  std::remove(tmpl);
  EXPECT_TRUE(save_ed25519_private_file(kp, "/nonexistent/dir/key.pem").has_value());
}

TEST(CoreSigningTest, GeneratedKeysDiffer) {
  EXPECT_NE(generate_ed25519().seed, generate_ed25519().seed);
}

TEST(CoreSigningTest, SignsHugeBodies) {
  const auto kp = test_key();
  const std::string body(1 << 20, 'z');
  const std::string sig = sign_ed25519(kp, kTs, body);
  EXPECT_EQ(verify_ed25519(kp.public_key_base64(), sig, kTs, body, kNow), VerifyStatus::Ok);
}

TEST(CoreHmacSigningTest, KnownAnswer) {
  // Expected value computed independently:
  //   printf '1.x' | openssl dgst -sha256 -hmac key -binary | base64
  EXPECT_EQ(hmac_signature_header("key", 1, "x"), "t=1,h=/EkTxBp795Mmfio4TzJhyUNuws0Je9dF57DZkRP1EOw=");
}

TEST(CoreHmacSigningTest, VerifyAcceptsGenuineAndRejectsTampering) {
  const std::string h = hmac_signature_header("s3cr3tExample", kNow, kBody);
  EXPECT_EQ(h.rfind("t=1740830404,h=", 0), 0u);
  EXPECT_EQ(verify_hmac_header("s3cr3tExample", h, kBody, kNow), VerifyStatus::Ok);
  EXPECT_EQ(verify_hmac_header("s3cr3tExample", " h=" + h.substr(h.find("h=") + 2) + " , t=1740830404 ", kBody, kNow),
            VerifyStatus::Ok);
  EXPECT_EQ(verify_hmac_header("wrong", h, kBody, kNow), VerifyStatus::Mismatch);
  EXPECT_EQ(verify_hmac_header("s3cr3tExample", h, kBody + "x", kNow), VerifyStatus::Mismatch);
}

TEST(CoreHmacSigningTest, ToleranceOptional) {
  const std::string h = hmac_signature_header("k", kNow, kBody);
  EXPECT_EQ(verify_hmac_header("k", h, kBody, kNow + 301), VerifyStatus::StaleTimestamp);
  EXPECT_EQ(verify_hmac_header("k", h, kBody, kNow - 301), VerifyStatus::FutureTimestamp);
  EXPECT_EQ(verify_hmac_header("k", h, kBody, kNow + 300), VerifyStatus::Ok);
  EXPECT_EQ(verify_hmac_header("k", h, kBody, kNow + 100000, std::nullopt), VerifyStatus::Ok);
}

TEST(CoreHmacSigningTest, MalformedHeaders) {
  EXPECT_EQ(verify_hmac_header("k", "", kBody, kNow), VerifyStatus::MissingSignature);
  EXPECT_EQ(verify_hmac_header("k", "t=1740830404", kBody, kNow), VerifyStatus::MissingSignature);
  EXPECT_EQ(verify_hmac_header("k", "h=" + base64_encode(std::string(32, 'a')), kBody, kNow),
            VerifyStatus::MissingTimestamp);
  EXPECT_EQ(verify_hmac_header("k", "t=abc,h=" + base64_encode(std::string(32, 'a')), kBody, kNow),
            VerifyStatus::BadTimestamp);
  EXPECT_EQ(verify_hmac_header("k", "t=1740830404,h=!!!!", kBody, kNow), VerifyStatus::BadSignatureEncoding);
  EXPECT_EQ(verify_hmac_header("k", "t=1740830404,h=" + base64_encode(std::string(31, 'a')), kBody, kNow),
            VerifyStatus::BadSignatureEncoding);
  EXPECT_EQ(verify_hmac_header("k", "garbage", kBody, kNow), VerifyStatus::BadSignatureEncoding);
}

TEST(CoreSigningTest, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

// The configured secret is accepted; every other value is refused, whatever its length: each
// prefix and extension of the secret, each one-byte change, and values of every length up to
// twice the secret's (a length check alone would reveal how long the secret is).
TEST(CoreSigningTest, SecretMatcherAcceptsOnlyTheSecret) {
  const std::string secret = "s3cret-admin-token";
  SecretMatcher m(secret);
  EXPECT_FALSE(m.empty());
  EXPECT_TRUE(m.matches(secret));
  EXPECT_TRUE(m.matches(std::string(secret)));   // not pointer identity
  for (size_t n = 0; n <= 2 * secret.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_FALSE(m.matches(std::string(n, 'x')));
    if (n < secret.size()) {
      EXPECT_FALSE(m.matches(secret.substr(0, n)));
    }
    if (n > secret.size()) {
      EXPECT_FALSE(m.matches(secret + std::string(n - secret.size(), secret.back())));
    }
  }
  for (size_t i = 0; i < secret.size(); ++i) {
    std::string near = secret;
    near[i] ^= 1;
    EXPECT_FALSE(m.matches(near)) << i;
  }
  EXPECT_FALSE(m.matches(secret + std::string(1, '\0')));
  // Two matchers of one secret agree although their keys differ.
  EXPECT_TRUE(SecretMatcher(secret).matches(secret));
}

TEST(CoreSigningTest, EmptySecretMatchesNothing) {
  SecretMatcher none;
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.matches(""));
  EXPECT_FALSE(none.matches("anything"));
}

TEST(CoreSigningTest, VerifyStatusNames) {
  EXPECT_EQ(to_string(VerifyStatus::Ok), "ok");
  EXPECT_EQ(to_string(VerifyStatus::StaleTimestamp), "timestamp too old");
  EXPECT_EQ(to_string(VerifyStatus::Mismatch), "signature does not match");
}

TEST(CoreSigningTest, PreparedSignerMatchesOneShotSigning) {
  const auto kp = test_key();
  const Ed25519Signer signer(kp);
  EXPECT_EQ(signer.sign(kTs, kBody), sign_ed25519(kp, kTs, kBody));
  const Ed25519Signer copy = signer;   // copies share the prepared key
  EXPECT_EQ(copy.sign("1", ""), sign_ed25519(kp, "1", ""));
  EXPECT_EQ(verify_ed25519(kp.public_key_base64(), copy.sign(kTs, kBody), kTs, kBody, kNow), VerifyStatus::Ok);
  EXPECT_EQ(signer.key_pair().public_key, kp.public_key);
}

TEST(CoreSigningTest, PreparedSignersOfDifferentKeysShareThreadsSafely) {
  // Each thread reuses one signing context for every signer: alternating keys on one thread and
  // signing from several threads at once must still give each key's own signatures.
  const auto a = test_key(), b = generate_ed25519();
  const Ed25519Signer sa(a), sb(b);
  const std::string want_a = sign_ed25519(a, kTs, kBody), want_b = sign_ed25519(b, kTs, kBody);
  ASSERT_NE(want_a, want_b);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (sa.sign(kTs, kBody) != want_a) ++wrong;
        if (sb.sign(kTs, kBody) != want_b) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(CoreSigningTest, EncryptedPemIsRejectedWithoutPrompting) {
  // An encrypted PKCS#8 block (body truncated): the header alone must make it fail, with a
  // reason, and never reach OpenSSL's interactive password prompt.
  const char* encrypted_pem =
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
      "MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAiqCKLhVx1F0QICCAAw\n"
      "DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEA==\n"
      "-----END ENCRYPTED PRIVATE KEY-----\n";
  const auto r = load_ed25519_private(encrypted_pem);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("PKCS#8"), std::string::npos) << r.error();
}
