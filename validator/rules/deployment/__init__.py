"""Group A, ids TFBG1xx: ECS-native strategy configuration and load balancer / listener / listener rule /
target group wiring (catalogue R-01..R-23 -> TFBG101..TFBG123, plus TFBG124 and TFBG125; service settings TFBG126-TFBG128)."""

from validator.rules.base import Rule
from validator.rules.deployment.listener_rules import (
    DefaultActionBypassesShifting,
    NlbTrafficShiftDelay,
    NonForwardActionOnBlueGreenRule,
    ProductionRuleNeedsBothWithoutTest,
    ProductionRuleServesTwoTargetGroups,
    ProductionRuleUnexpectedTargetGroup,
    TargetGroupOnNeitherRule,
)
from validator.rules.deployment.load_balancer import (
    AdvancedConfigurationAllOrNone,
    AdvancedConfigurationRequired,
    ClassicLoadBalancerMix,
    DuplicateTargetGroup,
    ListenerRuleArnKind,
    SameProductionAndTestRule,
)
from validator.rules.deployment.primary_serving import ProductionRuleServesAlternate
from validator.rules.deployment.service_settings import (
    CreateBeforeDestroyFixedName,
    PlacementOnFargate,
    TaskDefinitionNotARevision,
)
from validator.rules.deployment.shadowing import ShadowedTestRule
from validator.rules.deployment.strategy import (
    BlueGreenNeedsBakeTime,
    ConfigurationForOtherStrategy,
    HeadlessStrategy,
    LatticeBlueGreen,
    PercentNotMultipleOfTenth,
    SettingsWithoutStrategy,
    StepOrCanaryPercentMissing,
    StrategyNeedsEcsController,
)
from validator.rules.deployment.target_groups import TargetGroupsDiffer, TargetTypeMustBeIp

RULES: list[Rule] = [
    StrategyNeedsEcsController(),  # TFBG101
    BlueGreenNeedsBakeTime(),  # TFBG102
    StepOrCanaryPercentMissing(),  # TFBG103
    ConfigurationForOtherStrategy(),  # TFBG104
    SettingsWithoutStrategy(),  # TFBG105
    PercentNotMultipleOfTenth(),  # TFBG106
    AdvancedConfigurationRequired(),  # TFBG107
    AdvancedConfigurationAllOrNone(),  # TFBG108
    ClassicLoadBalancerMix(),  # TFBG109
    ListenerRuleArnKind(),  # TFBG110
    SameProductionAndTestRule(),  # TFBG111
    ProductionRuleNeedsBothWithoutTest(),  # TFBG112
    TargetGroupOnNeitherRule(),  # TFBG113
    ProductionRuleUnexpectedTargetGroup(),  # TFBG114
    ProductionRuleServesTwoTargetGroups(),  # TFBG115
    DuplicateTargetGroup(),  # TFBG116
    TargetTypeMustBeIp(),  # TFBG117
    TargetGroupsDiffer(),  # TFBG118
    NonForwardActionOnBlueGreenRule(),  # TFBG119
    ShadowedTestRule(),  # TFBG120
    HeadlessStrategy(),  # TFBG121
    LatticeBlueGreen(),  # TFBG122
    NlbTrafficShiftDelay(),  # TFBG123
    DefaultActionBypassesShifting(),  # TFBG124
    ProductionRuleServesAlternate(),  # TFBG125
    TaskDefinitionNotARevision(),  # TFBG126
    PlacementOnFargate(),  # TFBG127
    CreateBeforeDestroyFixedName(),  # TFBG128
]
