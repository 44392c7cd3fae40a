# Loaded by the moto server the tests start (scripts/moto.mjs puts this folder on PYTHONPATH).
# moto parses the same bundled RSA key again for every user pool it creates (~0.2 s of CPU each,
# moto/cognitoidp/models.py: jwk.RSAKey.import_key(load_resource(...))); the suite creates hundreds
# of pools. Parse each distinct key once. Behaviour is unchanged: the key is read-only.
import json

try:
    from joserfc import jwk

    _original = jwk.RSAKey.import_key.__func__
    _parsed = {}

    def _import_key(cls, value, *args, **kwargs):
        if args or kwargs or cls is not jwk.RSAKey:
            return _original(cls, value, *args, **kwargs)
        try:
            key = value if isinstance(value, (str, bytes)) else json.dumps(value, sort_keys=True)
        except TypeError:
            return _original(cls, value)
        if key not in _parsed:
            _parsed[key] = _original(cls, value)
        return _parsed[key]

    jwk.RSAKey.import_key = classmethod(_import_key)
except Exception:  # an other joserfc: moto works as it is, only slower
    pass
