"""The gRPC servicer of the stand-ins (protocol 6) and its start-up through the `tf` framework."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent import futures

import grpc
from tf.gen import grpc_controller_pb2 as controller_pb
from tf.gen import grpc_controller_pb2_grpc as controller_rpc
from tf.gen import grpc_stdio_pb2_grpc as stdio_rpc
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc
from tf.utils import read_dynamic_value, to_dynamic_value

from tests.harness.standin import data_sources, schema, values

PROVIDERS = {"aws": "registry.terraform.io/hashicorp/aws", "archive": "registry.terraform.io/hashicorp/archive"}


def _error(summary: str, detail: str = "") -> list:
    return [pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=summary, detail=detail)]


def _path(steps: tuple) -> pb.AttributePath:
    return pb.AttributePath(steps=[
        pb.AttributePath.Step(element_key_int=s) if isinstance(s, int) else pb.AttributePath.Step(attribute_name=s)
        for s in steps
    ])


class StandInServicer(rpc.ProviderServicer):
    def __init__(self, provider: str, on_stop=lambda: None):
        self.provider = provider
        self.on_stop = on_stop
        self.provider_config: dict = {}

    def block(self, kind: str, type_name: str) -> dict:
        """A type's schema: from the served subset, else (a persistent server whose subset has
        moved on to the next command's) from the whole schema."""
        served = schema.load(self.provider)[kind]
        return served[type_name] if type_name in served else schema.load_full(self.provider)[kind][type_name]

    def GetProviderSchema(self, request, context):
        return pb.GetProviderSchema.Response.FromString(schema.response_bytes(self.provider))

    def ValidateProviderConfig(self, request, context):
        return pb.ValidateProviderConfig.Response()

    def ValidateResourceConfig(self, request, context):
        return pb.ValidateResourceConfig.Response()

    def ValidateDataResourceConfig(self, request, context):
        return pb.ValidateDataResourceConfig.Response()

    def ConfigureProvider(self, request, context):
        config = read_dynamic_value(request.config) or {}
        self.provider_config = {k: v for k, v in config.items() if isinstance(v, (str, int, float, bool))}
        return pb.ConfigureProvider.Response()

    def UpgradeResourceState(self, request, context):
        block = self.block("resource_schemas", request.type_name)
        raw = json.loads(request.raw_state.json or b"null")
        if raw is None:
            return pb.UpgradeResourceState.Response(diagnostics=_error(
                "tfbg stand-in: state without JSON", f"{request.type_name}: only JSON (format 4) state is supported"))
        errors: list[str] = []
        state = values.fill_nulls(block, raw, "", errors)
        if errors:
            return pb.UpgradeResourceState.Response(diagnostics=_error(
                "tfbg stand-in: unknown attributes in prior state",
                f"{request.type_name} has no attribute {', '.join(errors)} in hashicorp/{self.provider} "
                f"{schema.load(self.provider)['provider_version']}"))
        return pb.UpgradeResourceState.Response(upgraded_state=pb.DynamicValue(json=json.dumps(state).encode()))

    def ReadResource(self, request, context):
        # The prior state is the truth: nothing exists to refresh from.
        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)

    def PlanResourceChange(self, request, context):
        block = self.block("resource_schemas", request.type_name)
        prior = read_dynamic_value(request.prior_state)
        proposed = read_dynamic_value(request.proposed_new_state)
        if proposed is None:  # destroy
            return pb.PlanResourceChange.Response(planned_state=request.proposed_new_state)
        planned = values.apply_defaults(block, proposed)
        if prior is None:  # create (also the second call Terraform makes for a replacement)
            planned = values.mark_computed_unknown(block, planned)
            return pb.PlanResourceChange.Response(planned_state=to_dynamic_value(planned))
        replace = list(values.changed_paths(block, prior, planned, lambda spec: spec.get("force_new", False)))
        return pb.PlanResourceChange.Response(
            planned_state=to_dynamic_value(planned),
            requires_replace=[_path(p) for p in replace],
            planned_private=request.prior_private,
        )

    def ApplyResourceChange(self, request, context):
        return pb.ApplyResourceChange.Response(diagnostics=_error(
            f"tfbg stand-in for hashicorp/{self.provider} is plan-only",
            f"It cannot create, update or delete {request.type_name}: the test harness only validates and plans."))

    def ImportResourceState(self, request, context):
        return pb.ImportResourceState.Response(diagnostics=_error(
            f"tfbg stand-in for hashicorp/{self.provider} is plan-only",
            f"It cannot import {request.type_name} (id {request.id!r}): there is no real infrastructure."))

    def ReadDataSource(self, request, context):
        block = self.block("data_source_schemas", request.type_name)
        config = read_dynamic_value(request.config) or {}
        compute = data_sources.COMPUTED[self.provider].get(request.type_name)
        try:
            state = compute(config, self.provider_config) if compute else data_sources.read_generic(block, config)
        except (data_sources.DataSourceError, OSError) as exc:
            return pb.ReadDataSource.Response(diagnostics=_error(f"{request.type_name}: {exc}"))
        return pb.ReadDataSource.Response(state=to_dynamic_value(state))

    def StopProvider(self, request, context):
        self.on_stop()
        return pb.StopProvider.Response()


def _credentials():
    """TLS credentials for the plugin handshake (go-plugin requires TLS with AutoMTLS).

    The `tf` framework makes a 7-day certificate and caches it under ~/.cache; reading that
    cache directly while it is fresh skips importing `cryptography` in every provider process.
    """
    from tf.runner import _get_cert_cache_path, _self_signed_cert

    cache = _get_cert_cache_path()
    try:
        if time.time() - cache.stat().st_mtime < 6 * 24 * 3600:
            cached = json.loads(cache.read_text())
            return base64.b64decode(cached["cert_chain"]), grpc.ssl_server_credentials(
                [(cached["key_pem"].encode(), cached["cert_pem"].encode())], require_client_auth=False)
    except (OSError, ValueError, KeyError):
        pass
    return _self_signed_cert()


def _exit_with_parent(parent: int, done: threading.Event) -> None:
    """A long-lived stand-in stops when the test session that started it is gone, however it ended."""
    while not done.wait(1.0):
        if os.getppid() != parent:
            done.set()


def serve(provider: str, persistent: bool = False) -> None:
    """Serve one stand-in over go-plugin's gRPC protocol.

    Launched by Terraform (through the mirror's launcher): TLS, one Terraform client, exit on
    its Shutdown. `persistent`: started once by the harness and reached by every Terraform
    command through TF_REATTACH_PROVIDERS (no TLS there: go-plugin's reattach carries no
    certificate); it announces its socket on stdout and runs until terminated.
    """
    if provider not in PROVIDERS:
        sys.exit(f"usage: standin {{{','.join(PROVIDERS)}}} [--persistent]")
    done = threading.Event()
    servicer = StandInServicer(provider, on_stop=lambda: None if persistent else done.set())

    class Controller(controller_rpc.GRPCControllerServicer):
        def Shutdown(self, request, context):
            if not persistent:
                done.set()
            return controller_pb.Empty()

    class Stdio(stdio_rpc.GRPCStdioServicer):
        def StreamStdio(self, request, context):
            return iter(())

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    rpc.add_ProviderServicer_to_server(servicer, server)
    controller_rpc.add_GRPCControllerServicer_to_server(Controller(), server)
    stdio_rpc.add_GRPCStdioServicer_to_server(Stdio(), server)
    socket_dir = tempfile.mkdtemp(prefix="tfbg-standin-")
    socket_path = os.path.join(socket_dir, "plugin.sock")
    if persistent:
        server.add_insecure_port(f"unix://{socket_path}")
        server.start()
        print(json.dumps({"provider": PROVIDERS[provider], "pid": os.getpid(), "socket": socket_path}), flush=True)
        signal.signal(signal.SIGTERM, lambda *_: done.set())
        threading.Thread(target=_exit_with_parent, args=(os.getppid(), done), daemon=True).start()
    else:
        chain, credentials = _credentials()
        server.add_secure_port(f"unix://{socket_path}", credentials)
        server.start()
        # go-plugin handshake: core protocol 1, plugin protocol 6, address, transport, server cert.
        print(f"1|6|unix|{socket_path}|grpc|{base64.b64encode(chain).decode().rstrip('=')}", flush=True)
    done.wait()
    server.stop(grace=0.5).wait()  # lets the Shutdown answer reach Terraform
    shutil.rmtree(socket_dir, ignore_errors=True)
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown (gRPC threads make it slow): Terraform waits for this exit.
    os._exit(0)
