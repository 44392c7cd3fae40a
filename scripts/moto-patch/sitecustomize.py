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

# 5. moto's response serializer finds each member's value by building a context object and asking six
#    alias providers for the attribute names to try (one object per provider per member): about 40%
#    of the serializer's CPU. The names depend only on the picker, the source object's class, the
#    member's shape (and the structure it was reached from) and the member's name: remember them.
#    Objects that carry their own `Meta` (read by the explicit-alias provider) are asked every time,
#    as before, and so is a picker with response transformers (they read the key's path), and so
#    are errors (moto makes new shapes for every error: remembering them would only grow).
#    Measured on 400 DescribeUserPool in a row: 4.3 ms of moto CPU each before, 3.3 ms after.
try:
    from moto.core import serialize as _serialize
    from moto.core.errors import ErrorShape as _ErrorShape
    from moto.core.utils import MISSING as _MISSING, get_value as _get_value

    _keys_for = {}
    _original_get_value = _serialize.ResponseSerializer.get_value
    _picker_call = _serialize.AttributePicker.__call__
    _probe = _serialize.AttributePicker()
    # What the patch reads: skipped (moto as it is) when this moto's picker is built differently.
    assert isinstance(_probe.alias_providers, list) and isinstance(_probe.response_transformers, dict)
    assert callable(_probe.get_possible_keys)

    def _serializer_get_value(self, value, key, shape):
        picker = self._value_picker
        parent = getattr(shape, "parent", None)
        if (
            type(picker).__call__ is not _picker_call
            or picker.response_transformers
            or "Meta" in getattr(value, "__dict__", ())
            or isinstance(shape, _ErrorShape)
            or isinstance(parent, _ErrorShape)
        ):
            return _original_get_value(self, value, key, shape)
        ck = (type(picker), tuple(picker.alias_providers), type(value), shape, parent, key)
        keys = _keys_for.get(ck)
        if keys is None:
            if len(_keys_for) > 20000:
                _keys_for.clear()
            context = _serialize.AttributePickerContext(obj=value, key=key, shape=shape, operation_model=self.operation_model, service_model=self.operation_model.service_model, key_path=".".join(self.path))
            keys = _keys_for[ck] = tuple(picker.get_possible_keys(context))
        for possible_key in keys:
            found = _get_value(value, possible_key, _MISSING)
            if found is not _MISSING:
                return found
        return None

    _serialize.ResponseSerializer.get_value = _serializer_get_value
except Exception:
    pass

# 6. moto's SSM backend imports the whole EC2 backend (~0.9 s of CPU for every server) for one
#    feature the suite never uses (targets of maintenance windows and commands by EC2 tag). Give
#    moto.ssm.models a stand-in for `ec2_backends` that imports EC2 the first time it is indexed.
try:
    import importlib.abc, importlib.util, sys

    class _LazyEc2Backends:
        def __getitem__(self, account_id):
            from moto.ec2 import ec2_backends

            return ec2_backends[account_id]

    class _SsmModelsFinder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name != "moto.ssm.models" or "moto.ec2" in sys.modules:
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None:
                return spec
            real_exec = spec.loader.exec_module

            def exec_module(module):
                import types

                stand_in = types.ModuleType("moto.ec2")
                stand_in.ec2_backends = _LazyEc2Backends()
                sys.modules["moto.ec2"] = stand_in
                try:
                    real_exec(module)
                except ImportError:
                    # This moto needs more of EC2 while importing SSM: import it as moto does.
                    sys.modules.pop("moto.ec2", None)
                    real_exec(module)
                finally:
                    if sys.modules.get("moto.ec2") is stand_in:
                        del sys.modules["moto.ec2"]

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, _SsmModelsFinder())
except Exception:
    pass

# 7. Python's cyclic garbage collector runs after every 700 net allocations, and each run walks the
#    young objects; every tenth walks the older generation too, and moto keeps a large heap (the
#    service models of every backend it loaded): sampled over the end-to-end suite, the collector was
#    ~17% of the server's CPU. Collect after 50,000 allocations instead (cycles still get collected:
#    memory stays bounded), and once the server is about to serve, move everything loaded until then
#    (moto's modules and models, which live as long as the server) out of the collector's walks.
#    Measured on 600 Describe/List requests over 30 pools, three runs each way, interleaved: 2.54 ms
#    of moto CPU a request before, 2.25 after.
try:
    import gc

    gc.set_threshold(50_000, 20, 100)
    from werkzeug import serving as _serving

    _run_simple = _serving.run_simple

    def _run_simple_frozen(*args, **kwargs):
        gc.collect()
        gc.freeze()
        return _run_simple(*args, **kwargs)

    _serving.run_simple = _run_simple_frozen
    import moto.server as _moto_server

    if getattr(_moto_server, "run_simple", None) is _run_simple:
        _moto_server.run_simple = _run_simple_frozen
except Exception:
    pass

# 8. moto makes a new botocore Loader for every service model it loads (moto/core/loaders.py
#    create_loader), so the Loader's own cache never helps: each load lists botocore's data folder
#    again (os.listdir of ~400 service folders, then of each one's API versions, and a stat for each),
#    ~58 ms a time, several times per service. The folders do not change while the server runs:
#    remember the list per search path and model type. Measured in process (moto's app, the first
#    request to each of cognito-idp, AgentCore, Lambda, IAM, SSM and STS): 0.51-0.54 s of CPU before,
#    0.30-0.35 s after.
try:
    from botocore import loaders as _loaders

    _list_services = _loaders.Loader.list_available_services
    _services_by_path = {}

    def _list_available_services(self, type_name):
        key = (tuple(self.search_paths), type_name)
        if key not in _services_by_path:
            _services_by_path[key] = _list_services(self, type_name)
        return list(_services_by_path[key])

    _loaders.Loader.list_available_services = _list_available_services
except Exception:
    pass

# 9. A fork server, for the test suite's one moto per worker slot (scripts/moto.mjs startZygote).
#    Each moto server spent ~1 s of CPU importing moto and loading the models of the services the
#    suite uses before its first answer; six of them did it six times. With MOTO_ZYGOTE=1,
#    `moto_server` does that once, then reads `serve <port>` lines on stdin and forks one server per
#    line (its own session, so that it is stopped alone), answering `forked <port> <pid>`. Each
#    child reseeds moto's random generator (IDs stay distinct between servers) and serves exactly
#    as `moto_server -H 127.0.0.1 -p <port>` does. Without MOTO_ZYGOTE nothing changes.
try:
    import os as _os

    if _os.environ.get("MOTO_ZYGOTE") == "1":
        import moto.server as _zygote_server

        def _zygote_main(argv=None):
            import gc
            import random
            import signal
            import sys

            from moto.moto_api._internal import mock_random
            from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
            from werkzeug.serving import run_simple
            from werkzeug.test import EnvironBuilder

            app = DomainDispatcherApplication(create_backend_app)
            app.debug = True

            def call(method, path, service, target=None, body=b"", content_type="application/x-amz-json-1.1"):
                headers = {"Host": "127.0.0.1", "Authorization": f"AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"}
                if target:
                    headers["X-Amz-Target"] = target
                if method == "POST":
                    headers["Content-Type"] = content_type
                environ = EnvironBuilder(method=method, path=path, headers=headers, data=body).get_environ()
                b"".join(app(environ, lambda *a, **k: None))

            # The services the suite uses, each loaded by a first request (models, backend, routes).
            form = "application/x-www-form-urlencoded"
            for args in (
                ("POST", "/", "cognito-idp", "AWSCognitoIdentityProviderService.ListUserPools", b'{"MaxResults":1}'),
                ("GET", "/gateways/?maxResults=1", "bedrock-agentcore"),
                ("GET", "/2015-03-31/functions/", "lambda"),
                ("POST", "/", "iam", None, b"Action=ListRoles&Version=2010-05-08", form),
                ("POST", "/", "ssm", "AmazonSSM.DescribeParameters", b"{}"),
                ("POST", "/", "sts", None, b"Action=GetCallerIdentity&Version=2011-06-15", form),
            ):
                try:
                    call(*args)
                except Exception:
                    pass
            call("POST", "/moto-api/reset", "s3")
            gc.collect()
            gc.freeze()
            signal.signal(signal.SIGCHLD, signal.SIG_IGN)
            sys.stdout.write("zygote ready\n")
            sys.stdout.flush()
            for line in sys.stdin:
                parts = line.split()
                if len(parts) != 2 or parts[0] != "serve" or not parts[1].isdigit():
                    continue
                port = int(parts[1])
                pid = _os.fork()
                if pid == 0:
                    try:
                        _os.setsid()
                        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                        null = _os.open(_os.devnull, _os.O_RDONLY)
                        _os.dup2(null, 0)
                        _os.environ["MOTO_PORT"] = str(port)
                        random.seed()
                        mock_random.seed()
                        run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False)
                    finally:
                        _os._exit(0)
                sys.stdout.write(f"forked {port} {pid}\n")
                sys.stdout.flush()
            return 0

        _zygote_server.main = _zygote_main
except Exception:
    pass
