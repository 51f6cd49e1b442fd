"""`tfbg migrate`: a CodeDeploy service (fixtures written for these tests) -> answers that `tfbg new` accepts,
state moves onto addresses the rendered module has, a checklist in order; from a directory and from a plan."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.answers import build
from generator.cli import app
from generator.render import render
from insight.appspec import hooks_in
from insight.migrate import MODULE_AUTOSCALES, migrations
from validator.loaders.hcl import load_directory
from validator.loaders.plan import load_plan

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str):
    return CliRunner().invoke(app, ["migrate", *args])


def migrate(name: str):
    hooks, _ = hooks_in(FIXTURES / name)
    [found] = migrations(load_directory(str(FIXTURES / name)), hooks)
    return found


def rendered_addresses(answers: dict) -> set[str]:
    files = render(build(answers))
    text = "\n".join(data.decode() for path, data in files.items() if path.endswith(".tf") and "/" not in path)
    return {f"{t}.{n}" for t, n in re.findall(r'^resource "(\w+)" "(\w+)"', text, re.M)}


def test_alb_custom_linear_with_hooks_and_alarms():
    m = migrate("alb_custom_linear")
    assert m.answers == {
        "name": "orders", "strategy": "linear", "circuit_breaker": True, "launch_type": "FARGATE", "desired_count": 4,
        "container_name": "api", "container_port": 8080, "step_percent": 3.0, "step_bake_time_in_minutes": 4,
        "bake_time_in_minutes": 1440, "alarm_rollback": True, "test_traffic": "listener", "load_balancer": "alb",
        "hooks": ["POST_TEST_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"], "listener_rule_priority": 121,
    }
    # The listener's target group serves production: it becomes blue.
    assert m.moves == [("aws_ecs_service.orders", "module.orders.aws_ecs_service.this"),
                       ("aws_lb_target_group.two", "module.orders.aws_lb_target_group.blue"),
                       ("aws_lb_target_group.one", "module.orders.aws_lb_target_group.green")]
    assert m.inputs["production_listener_arn"] == "aws_lb_listener.live.arn"
    assert m.inputs["test_listener_arn"] == "aws_lb_listener.preview.arn"
    assert m.inputs["alarm_names"] == '["orders-5xx", "orders-latency"]'
    notes = "\n".join(m.notes)
    assert "ECS LINEAR moves at least 3" in notes and "exceeds the ECS bake time maximum 1440" in notes
    assert notes.count("BLOCKING") == 1
    # The moved target groups keep their names (a name forces a replacement): the module takes them as inputs.
    assert m.inputs["target_group_names"] == '{ blue = "orders-tg-2", green = "orders-tg-1" }'
    assert "aws_codepipeline.orders deploys with CodeDeployToECS (stage 'Release', action 'BlueGreen')" in notes
    assert "aws_lb_target_group.one sets health_check interval" in notes
    deleted = "\n".join(m.delete)
    for address in ("aws_codedeploy_deployment_group.orders", "aws_codedeploy_app.orders",
                    "aws_codedeploy_deployment_config.slow", "aws_iam_role.deployer"):
        assert address in deleted


def test_the_answers_render_and_the_moves_land_on_resources_of_the_module():
    for fixture in ("alb_custom_linear", "nlb_all_at_once"):
        m = migrate(fixture)
        addresses = rendered_addresses(m.answers)
        for _, target in m.moves:
            assert target.removeprefix(f"module.{m.call}.") in addresses, (fixture, target)


def test_nlb_listeners_move_into_the_module():
    m = migrate("nlb_all_at_once")
    assert m.answers["load_balancer"] == "nlb" and m.answers["production_listener_port"] == 443
    assert ("aws_lb_listener.prod", "module.ledger.aws_lb_listener.production") in m.moves
    assert not any("BLOCKING" in note for note in m.notes)  # names and ports already fit
    assert any("no terminate_blue_instances_on_deployment_success" in note for note in m.notes)


def test_cli_writes_the_files_into_a_new_directory(tmp_path):
    out = tmp_path / "out"
    result = run(str(FIXTURES / "alb_custom_linear"), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["CHECKLIST.md", "answers.json", "moved.tf", "removed.tf", "state-commands.sh"]
    answers = json.loads((out / "answers.json").read_text())
    assert build(answers).strategy == "linear"
    checklist = (out / "CHECKLIST.md").read_text()
    steps = re.findall(r"^(\d+)\. \*\*(.+?)\.\*\*", checklist, re.M)
    assert [int(n) for n, _ in steps] == list(range(1, len(steps) + 1))
    titles = [t for _, t in steps]
    assert titles.index("Stop CodeDeploy deployments of this service") < titles.index("Move the state, do not re-create") \
        < titles.index("Plan and lint")
    assert checklist.count("Source: ") == len(steps)
    assert "moved {\n  from = aws_ecs_service.orders\n  to   = module.orders.aws_ecs_service.this\n}" in (out / "moved.tf").read_text()
    # moved.tf parses as HCL (Terraform 1.0, the harness, predates moved blocks); the script is valid sh
    import subprocess

    import hcl2

    blocks = hcl2.loads((out / "moved.tf").read_text())["moved"]
    assert [(b["from"], b["to"]) for b in blocks] == [
        ("${aws_ecs_service.orders}", "${module.orders.aws_ecs_service.this}"),
        ("${aws_lb_target_group.two}", "${module.orders.aws_lb_target_group.blue}"),
        ("${aws_lb_target_group.one}", "${module.orders.aws_lb_target_group.green}"),
    ]
    subprocess.run(["sh", "-n", str(out / "state-commands.sh")], check=True)
    # removed blocks destroy what only CodeDeploy used, never what moves into the module
    removed = hcl2.loads((out / "removed.tf").read_text())["removed"]
    assert [(b["from"], b["lifecycle"][0]["destroy"]) for b in removed] == [
        ("${aws_codedeploy_deployment_group.orders}", True), ("${aws_codedeploy_app.orders}", True),
        ("${aws_codedeploy_deployment_config.slow}", True), ("${aws_iam_role.deployer}", True),
        ("${aws_iam_role_policy_attachment.deployer}", True),
    ]
    assert "Remove what CodeDeploy used" in checklist
    # the new answers file replays with tfbg new as the checklist says
    module = tmp_path / "modules" / "orders"
    result = CliRunner().invoke(app, ["new", "orders", "--answers", str(out / "answers.json"), "--out", str(module)])
    assert result.exit_code == 0, result.stderr


def test_never_writes_over_an_existing_directory(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    result = run(str(FIXTURES / "alb_custom_linear"), "--out", str(out))
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "directory exists and is not empty" in result.stderr
    assert [p.name for p in out.iterdir()] == ["mine.txt"] and (out / "mine.txt").read_text() == "keep"


@pytest.mark.parametrize("make, message", [
    (lambda d: (d / "main.tf").write_text('resource "aws_ecs_service" "x" {\n  name = "x"\n}\n'), "no aws_ecs_service with deployment_controller CODE_DEPLOY"),
    (lambda d: None, "no Terraform files"),
    (lambda d: (d / "main.tf").write_text('resource "aws_codedeploy_deployment_group" "g" {\n  ecs_service {\n'
                                          '    cluster_name = "c"\n    service_name = "web"\n  }\n}\n'),
     "aws_codedeploy_deployment_group.g deploys web, which is declared elsewhere"),
    (lambda d: (d / "main.tf").write_text('resource "aws_ecs_service" "x" {\n'), "main.tf"),
])
def test_bad_input_is_one_line(tmp_path, make, message):
    source = tmp_path / "src"
    source.mkdir()
    make(source)
    result = run(str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.stdout + result.stderr
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_plan_of_the_configuration_gives_the_same_answers(terraform, tmp_path):
    """Any configuration lint can read: the plan JSON of the NLB fixture migrates like its directory."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(terraform.plan(FIXTURES / "nlb_all_at_once")))
    [from_plan] = migrations(load_plan(str(plan)), {})
    from_directory = migrate("nlb_all_at_once")
    assert from_plan.answers == from_directory.answers
    assert from_plan.moves == from_directory.moves


def test_several_services_get_a_directory_each(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for fixture in ("alb_custom_linear", "nlb_all_at_once"):
        (source / f"{fixture}.tf").write_text((FIXTURES / fixture / "main.tf").read_text())
    out = tmp_path / "out"
    result = run(str(source), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        f"{name}/{file}" for name in ("ledger", "orders") for file in ("CHECKLIST.md", "answers.json", "moved.tf", "removed.tf", "state-commands.sh")
    ]
    assert f"tfbg new ledger --answers {out}/ledger/answers.json" in (out / "ledger" / "CHECKLIST.md").read_text()


def test_data_sources_that_read_managed_listeners_and_target_groups_are_followed():
    """The group names its listeners through data sources (by arn reference; by load balancer and port) that read
    listeners this configuration manages; the listener forwards through a data target group."""
    m = migrate("alb_data_listener_autoscaled")
    assert m.listeners == {"production": "aws_lb_listener.http", "test": "aws_lb_listener.preview"}
    assert m.inputs["production_listener_arn"] == "aws_lb_listener.http.arn"
    assert m.inputs["test_listener_arn"] == "aws_lb_listener.preview.arn"
    # the production listener forwards to data.aws_lb_target_group.live, i.e. aws_lb_target_group.a: blue
    assert m.moves[1:3] == [("aws_lb_target_group.a", "module.shop.aws_lb_target_group.blue"),
                            ("aws_lb_target_group.b", "module.shop.aws_lb_target_group.green")]
    notes = "\n".join(m.notes)
    assert "data.aws_lb_listener.preview reads aws_lb_listener.preview" in notes
    assert "is not in this configuration" not in notes


def test_a_data_listener_of_an_unmanaged_listener_stays_a_reference(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    text = (FIXTURES / "alb_data_listener_autoscaled" / "main.tf").read_text()
    (source / "main.tf").write_text(text.replace("port              = 8443\n}", "port              = 9443\n}"))
    [m] = migrations(load_directory(str(source)), {})
    assert m.inputs["test_listener_arn"] == "data.aws_lb_listener.preview.arn"
    assert m.inputs["production_listener_arn"] == "aws_lb_listener.http.arn"


def test_autoscaled_service():
    m = migrate("alb_data_listener_autoscaled")
    notes = "\n".join(m.notes)
    assert "autoscaling?" not in notes
    if MODULE_AUTOSCALES:  # the ECS kind creates its own scalable target: the old one moves into it
        assert m.answers["autoscaling"] is True
        assert ("aws_appautoscaling_target.shop", "module.shop.aws_appautoscaling_target.this") in m.moves
        assert m.inputs["autoscaling_min_capacity"] == "2" and m.inputs["autoscaling_max_capacity"] == "12"
        assert "aws_appautoscaling_policy.cpu refer to aws_appautoscaling_target.shop" in notes
    else:  # the module sets desired_count: it must ignore it like the old service did
        assert "autoscaling" not in m.answers
        assert "BLOCKING: aws_appautoscaling_target.shop (Application Auto Scaling, min 2, max 12)" in notes
        assert "write module.shop.service_name instead" in notes
    assert m.answers["desired_count"] == 3


def test_desired_count_ignored_without_a_scaler_is_named_as_such(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    text = (FIXTURES / "alb_data_listener_autoscaled" / "main.tf").read_text()
    start, end = text.index('resource "aws_appautoscaling_target"'), text.index('resource "aws_codedeploy_app"')
    (source / "main.tf").write_text(text[:start] + text[end:])
    [m] = migrations(load_directory(str(source)), {})
    notes = "\n".join(m.notes)
    assert "aws_ecs_service.shop ignores desired_count, but no aws_appautoscaling_target in this configuration" in notes
    assert "BLOCKING" not in notes and "autoscaling?" not in notes
    if MODULE_AUTOSCALES:
        assert m.answers["autoscaling"] is False
    # a service that neither ignores desired_count nor is scaled gets no note about it
    assert not any("desired_count" in n for n in migrate("nlb_all_at_once").notes)


def test_shared_codedeploy_objects_are_kept(tmp_path):
    """An app, config and role another deployment group also uses are not removed."""
    source = tmp_path / "src"
    source.mkdir()
    text = (FIXTURES / "alb_data_listener_autoscaled" / "main.tf").read_text()
    other = text[text.index('resource "aws_codedeploy_deployment_group" "shop"'):].replace('"shop" {', '"batch" {', 1)
    other = other.replace('deployment_group_name  = "shop"', 'deployment_group_name  = "batch"')
    (source / "main.tf").write_text(text + "\n" + other)
    m = [x for x in migrations(load_directory(str(source)), {}) if x.group.address.endswith(".shop")][0]
    assert m.removals == ["aws_codedeploy_deployment_group.shop"]
    notes = "\n".join(m.notes)
    assert "aws_codedeploy_app.shop is also used by another deployment group: keep it" in notes
    assert "aws_iam_role.codedeploy is also the service role of another deployment group: keep it" in notes


def _variant(tmp_path, edit):
    source = tmp_path / "src"
    source.mkdir()
    (source / "main.tf").write_text(edit((FIXTURES / "alb_data_listener_autoscaled" / "main.tf").read_text()))
    [m] = migrations(load_directory(str(source)), {})
    return m


def test_a_termination_wait_left_to_codedeploy_is_not_taken_as_zero(tmp_path):
    m = _variant(tmp_path, lambda t: t.replace("      termination_wait_time_in_minutes = 30\n", ""))
    assert "bake_time_in_minutes" not in m.answers  # tfbg's default, named in the note
    assert any("sets no termination_wait_time_in_minutes" in n for n in m.notes)


def test_a_service_role_something_else_uses_is_kept(tmp_path):
    extra = '''
resource "aws_iam_role_policy" "pipeline_passes_it" {
  role = "pipeline"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.codedeploy.arn }]
  })
}
'''
    m = _variant(tmp_path, lambda t: t + extra)
    assert "aws_iam_role.codedeploy" not in m.removals
    assert any("aws_iam_role_policy.pipeline_passes_it also refer to it: keep it" in n for n in m.notes)


def test_a_data_listener_of_an_unknown_load_balancer_names_the_candidates(tmp_path):
    m = _variant(tmp_path, lambda t: t.replace("  load_balancer_arn = aws_lb.web.arn\n  port              = 8443\n}",
                                               "  load_balancer_arn = var.lb_arn\n  port              = 8443\n}")
                 + 'variable "lb_arn" {\n  type = string\n}\n')
    assert m.inputs["test_listener_arn"] == "data.aws_lb_listener.preview.arn"
    assert any("this configuration manages aws_lb_listener.preview on the same port 8443" in n for n in m.notes)


def test_codedeploy_resources_inside_a_module(tmp_path):
    """The CodeDeploy objects live in a child module with something else: the note says which blocks go where."""
    source = tmp_path / "src"
    (source / "deploy").mkdir(parents=True)
    text = (FIXTURES / "alb_data_listener_autoscaled" / "main.tf").read_text()
    start = text.index('resource "aws_codedeploy_app" "shop"')
    root, child = text[:start], text[start:]
    child = child.replace("aws_ecs_cluster.main.name", "var.cluster").replace("aws_ecs_service.shop.name", "var.service")
    child = child.replace("data.aws_lb_listener.http.arn", "var.prod").replace("data.aws_lb_listener.preview.arn", "var.test")
    child = child.replace("aws_lb_target_group.a.name", '"shop-blue"').replace("aws_lb_target_group.b.name", '"shop-green"')
    child += '\nresource "aws_s3_bucket" "revisions" {\n  bucket = "shop-appspecs"\n}\n'
    child += "".join(f'variable "{v}" {{\n  type = string\n}}\n' for v in ("cluster", "service", "prod", "test"))
    (source / "deploy" / "main.tf").write_text(child)
    root += ('module "deploy" {\n  source  = "./deploy"\n  cluster = aws_ecs_cluster.main.name\n  service = aws_ecs_service.shop.name\n'
             '  prod    = aws_lb_listener.http.arn\n  test    = aws_lb_listener.preview.arn\n}\n')
    (source / "main.tf").write_text(root)
    [m] = migrations(load_directory(str(source)), {})
    assert m.removals[0] == "module.deploy.aws_codedeploy_deployment_group.shop"
    notes = "\n".join(m.notes)
    assert "are declared in module.deploy: delete their blocks in that module" in notes
    assert "module.deploy also declares module.deploy.aws_s3_bucket.revisions" in notes
    assert "removed { from = module.deploy }" in notes
