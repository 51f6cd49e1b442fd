"""The CodeDeploy appspec-hook contract as the tests see it: the event CodeDeploy sends to an ECS hook function,
and a fake CodeDeploy client that accepts PutLifecycleEventHookExecutionStatus only as the API does.

Sources: CodeDeploy User Guide, reference-appspec-file-structure-hooks.html ("Sample Lambda 'hooks' function":
event.DeploymentId, event.LifecycleEventHookExecutionId); CodeDeploy API Reference,
API_PutLifecycleEventHookExecutionStatus.html (request members deploymentId, lifecycleEventHookExecutionId,
status; "only Succeeded and Failed can be passed successfully"; errors such as
LifecycleEventAlreadyCompletedException, InvalidLifecycleEventHookExecutionStatusException).
"""

from __future__ import annotations

from typing import Any

REQUEST_MEMBERS = {"deploymentId", "lifecycleEventHookExecutionId", "status"}
# LifecycleEventStatus has more values, but the API accepts only these two from a hook function.
ACCEPTED_STATUSES = {"Succeeded", "Failed"}


def make_event(deployment_id: str = "d-A1B2C3D4E", execution_id: str = "eyJ0ZXN0IjoiZXhlY3V0aW9uIn0=") -> dict[str, Any]:
    return {"DeploymentId": deployment_id, "LifecycleEventHookExecutionId": execution_id}


class ClientError(Exception):
    """Shaped like botocore.exceptions.ClientError: the error code is in response['Error']['Code']."""

    def __init__(self, code: str) -> None:
        super().__init__(f"An error occurred ({code}) when calling the PutLifecycleEventHookExecutionStatus operation")
        self.response = {"Error": {"Code": code, "Message": code}}


class FakeCodeDeploy:
    def __init__(self, fail_with: str | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.fail_with = fail_with

    def put_lifecycle_event_hook_execution_status(self, **request: Any) -> dict[str, Any]:
        assert set(request) == REQUEST_MEMBERS, f"request members must be exactly {sorted(REQUEST_MEMBERS)}"
        assert all(isinstance(value, str) and value for value in request.values()), request
        if request["status"] not in ACCEPTED_STATUSES:
            raise ClientError("InvalidLifecycleEventHookExecutionStatusException")
        self.calls.append(request)
        if self.fail_with:
            raise ClientError(self.fail_with)
        return {"lifecycleEventHookExecutionId": request["lifecycleEventHookExecutionId"]}
