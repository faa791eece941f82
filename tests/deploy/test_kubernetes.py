"""The Kubernetes recipe: a ConfigMap, a placeholder Secret and a locked-down CronJob."""

from __future__ import annotations

from pathlib import PurePosixPath

from tests.deploy.recipes import KUBERNETES, load_yaml

MANIFESTS = {document["kind"]: document for document in load_yaml(KUBERNETES)}
CRONJOB = MANIFESTS["CronJob"]["spec"]
POD = CRONJOB["jobTemplate"]["spec"]["template"]["spec"]
(CONTAINER,) = POD["containers"]


def mounted_file(volume_kind: str, key: str) -> PurePosixPath:
    """Where a key of a ConfigMap or Secret volume appears inside the container."""
    for volume in POD["volumes"]:
        if volume_kind in volume:
            items = {item["key"]: item["path"] for item in volume[volume_kind].get("items", [])}
            (mount,) = [m for m in CONTAINER["volumeMounts"] if m["name"] == volume["name"]]
            return PurePosixPath(mount["mountPath"], items.get(key, key))
    raise AssertionError(f"no {volume_kind} volume")


def test_holds_a_configmap_a_secret_and_a_cronjob():
    assert sorted(MANIFESTS) == ["ConfigMap", "CronJob", "Secret"]


def test_runs_never_overlap_and_retries_are_bounded():
    assert CRONJOB["concurrencyPolicy"] == "Forbid"
    assert CRONJOB["jobTemplate"]["spec"]["backoffLimit"] >= 0
    assert POD["restartPolicy"] == "Never"


def test_runs_as_non_root_with_a_read_only_root_filesystem():
    assert POD["securityContext"]["runAsNonRoot"] is True
    assert POD["securityContext"]["runAsUser"] != 0
    assert CONTAINER["securityContext"]["readOnlyRootFilesystem"] is True
    assert CONTAINER["securityContext"]["allowPrivilegeEscalation"] is False


def test_the_config_is_mounted_where_the_command_reads_it():
    path = mounted_file("configMap", "notes-sync.toml")
    assert path == PurePosixPath("/config/notes-sync.toml")
    assert "notes-sync.toml" in MANIFESTS["ConfigMap"]["data"]
    assert CONTAINER["args"][CONTAINER["args"].index("--config") + 1] == str(path)


def test_google_credentials_point_at_the_mounted_secret_file():
    (variable,) = [v for v in CONTAINER["env"] if v["name"] == "GOOGLE_APPLICATION_CREDENTIALS"]
    key = PurePosixPath(variable["value"]).name
    assert key in MANIFESTS["Secret"]["stringData"]
    assert mounted_file("secret", key) == PurePosixPath(variable["value"])


def test_every_secret_value_is_a_marked_placeholder():
    for name, value in MANIFESTS["Secret"]["stringData"].items():
        assert "REPLACE_ME" in value, name
