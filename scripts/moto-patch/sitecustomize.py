# Loaded by the moto server the tests start (scripts/moto.mjs puts this folder on PYTHONPATH).
# Each patch removes work moto repeats for every request (or every user pool) and changes no answer;
# found by profiling the server's request threads over the end-to-end suite. Measured on 300
# ListUserPools requests in a row: 7.1 ms each before, 3.6 ms after.
# Each patch is skipped (moto works as it is, only slower) when the moto installed is different.
import json

# 1. moto parses the same bundled RSA key again for every user pool it creates (~0.2 s of CPU each,
#    moto/cognitoidp/models.py: jwk.RSAKey.import_key(load_resource(...))); the suite creates
#    hundreds of pools. Parse each distinct key once: the key is read-only.
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
except Exception:
    pass

# 2. For every request (twice, under a lock that serialises requests) moto finds the service by
#    listing its own package folder (os.listdir and os.path.isdir for each of ~150 entries) and then
#    matching the host against every service's URL patterns. The answer depends on the host alone
#    and the installed package: remember it per host.
try:
    from moto import backends as _backends
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    _modules = list(_backends.list_of_moto_modules())
    _backends.list_of_moto_modules = lambda: iter(_modules)

    _for_host = DomainDispatcherApplication.get_backend_for_host
    _by_host = {}

    def _get_backend_for_host(self, host):
        if host not in _by_host:
            _by_host[host] = _for_host(self, host)
        return _by_host[host]

    DomainDispatcherApplication.get_backend_for_host = _get_backend_for_host
except Exception:
    pass

# 3. For every request moto lists the methods of the service's response class (inspect.getmembers,
#    ~13% of its CPU) to find the action's handler. A class's methods do not change: list them once.
try:
    from moto.core import responses as _responses

    _names_of = _responses.method_names_from_class
    _by_class = {}

    def _method_names_from_class(clazz):
        if clazz not in _by_class:
            _by_class[clazz] = _names_of(clazz)
        return list(_by_class[clazz])

    _responses.method_names_from_class = _method_names_from_class
except Exception:
    pass

# 4. werkzeug prints one access-log line per request through colorama's stream wrapper; nobody
#    reads them (scripts/moto.mjs keeps the server's last output only to explain a failed start).
#    Errors are still printed.
try:
    from werkzeug.serving import WSGIRequestHandler

    WSGIRequestHandler.log_request = lambda self, code="-", size="-": None
except Exception:
    pass
