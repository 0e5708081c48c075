"""Room tokens minted per second, HS256 and RS256.

    python bench/bench_tokens.py [--seconds 3]

Two figures per algorithm: signing alone (claims + signature), and the whole
``jitsi.mint_token`` a request pays for (the lock's query, the join window, the claims and
the signature) on the benchmark database.
"""

import argparse
import time

from _sessions_setup import people_and_session, setup


def rate(function, seconds):
    count, started = 0, time.perf_counter()
    while True:
        for _ in range(50):
            function()
        count += 50
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return count / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    setup()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.test import override_settings

    from wagtail_coaching.sessions import jitsi

    coach, _coachee, _space, session = people_and_session()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    configurations = {
        "HS256": {
            "WAGTAIL_COACHING_JITSI_APP_ID": "bench",
            "WAGTAIL_COACHING_JITSI_APP_SECRET": "x" * 64,
        },
        "RS256 (2048-bit)": {
            "WAGTAIL_COACHING_JITSI_APP_ID": "vpaas-magic-cookie-bench",
            "WAGTAIL_COACHING_JITSI_PRIVATE_KEY": private_pem,
            "WAGTAIL_COACHING_JITSI_KEY_ID": "vpaas-magic-cookie-bench/1",
        },
    }
    print(f"{'algorithm':<18} {'sign only /s':>14} {'mint_token /s':>15}")
    for name, overrides in configurations.items():
        with override_settings(**overrides):
            sign = rate(lambda: jitsi.encode(jitsi.token_claims(coach, session)), args.seconds)
            mint = rate(lambda: jitsi.mint_token(coach, session), args.seconds)
        print(f"{name:<18} {sign:>14,.0f} {mint:>15,.0f}")


if __name__ == "__main__":
    main()
