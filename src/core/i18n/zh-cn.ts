/**
 * 简体中文消息目录。键与 en.ts 完全一致，占位符 {name} 也必须一致（有测试检查）。
 */
import type { MessageKey } from './en';

export const zhCn: Record<MessageKey, string> = {
  // ---- 序列角色 ----
  'role.train_loss': '训练损失',
  'role.val_loss': '验证集损失',
  'role.loss_part': '损失分项',
  'role.grad_norm': '梯度范数',
  'role.lr': '学习率',
  'role.train_acc': '训练准确率',
  'role.val_acc': '验证集准确率',
  'role.other': '指标',
  subject: '{role}“{series}”',
  list: '{items}',

  // ---- 摘要标签 ----
  'status.converged': '可能已收敛',
  'status.fast': '正在快速收敛',
  'status.slow': '缓慢收敛中',
  'status.insufficient': '数据不足',
  'capacity.overfit': '模型过拟合，建议减小容量或增加正则化',
  'capacity.underfit': '模型欠拟合，建议增加模型容量',
  'capacity.ok': '模型容量适中',
  'capacity.unclear': '需要进一步分析',

  // ---- 非有限值 ----
  'nonFinite.title': '{series} 出现 {what}',
  'nonFinite.message': '{subject}在第 {step} 步变成 {what}（共 {count} 个非有限值，这是第一个）。',
  'nonFinite.persistent': '此后一直到日志结束都没有恢复。',
  'nonFinite.recovered': '之后的数值又恢复为有限值，但模型权重可能已经被破坏。',
  'nonFinite.risen': '在此之前，它从第 {fromStep} 步的 {from} 上升到第 {toStep} 步的 {to}。',
  'nonFinite.also': '同一次发散中还有：{others}。',
  'blowUp.also': '同一次发散还表现为：{others}。',
  'blowUp.alsoItem': '{series} 从第 {step} 步起的 {kind}',
  'nonFinite.alsoItem': '{series}（从第 {step} 步起为 {what}）',
  'nonFinite.amp': '只有 {count} 个零星的值（占 {share}）：很可能是混合精度溢出、被梯度缩放器（GradScaler）跳过的步。',
  'nonFinite.rangeTest': '这是一次学习率范围测试：学习率最大时损失爆掉是正常现象。',
  'nonFinite.maskedTitle': '{series} 中被掩盖的 NaN 损失',
  'nonFinite.masked':
    '{subject}在第 {step} 步记录为 0，而同一步的 {grad} 是 NaN：日志把 NaN 损失替换成了 0（共 {count} 步如此）。',

  // ---- 发散 ----
  'divergence.title': '训练发散（{series}）',
  'divergence.short': '{subject}从第 {bestStep} 步的 {best} 升到 {level}（最后 {points} 个值的中位数，{ratio} 倍），自第 {step} 步起没有回落。',
  'divergence.message':
    '{subject}从第 {bestStep} 步附近的 {best} 开始上升，自第 {step} 步起升到最后 {points} 个值的 {level}（{ratio} 倍，均为记录值的中位数），且没有回落。',

  // ---- 损失尖峰 ----
  'spike.short': '{subject}在第 {peakStep} 步跳到 {peak}，是前后数值的 {ratio} 倍（之前 {before}，之后 {after}）。',
  'spike.title': '第 {step} 步出现损失尖峰（{series}）',
  'spike.message':
    '{subject}在第 {peakStep} 步跳到 {peak}，是局部水平 {base} 的 {ratio} 倍（{z} 个噪声单位），并在第 {endStep} 步前回落。',
  'spike.messageLinear':
    '{subject}在第 {peakStep} 步跳到 {peak}，比局部水平 {base} 高出 {z} 个噪声单位，并在第 {endStep} 步前回落。',
  'spike.count': '该序列共有 {count} 个这样的尖峰。',

  // ---- 震荡 ----
  'oscillation.evalSwings': '在第 {from}–{to} 步（{points} 次评估，约 {level}）中，{subject}每两次评估之间的变化中位数为 {swing}，且没有净下降：训练没有稳定下来。',
  'oscillation.bursts': '{subject}不断从其底部水平（约 {floor}）跳到该水平的 {ratio} 倍再回落：共 {count} 次，最后一次在第 {step} 步。',
  'oscillation.title': '损失震荡（{series}）',
  'oscillation.message':
    '在第 {from}–{to} 步（{points} 个值）中，{subject}在 {level} 附近上下摆动约 ±{amp}，没有净下降（{progress}）。',
  'oscillation.turning': '它有 {rate} 的时间在改变方向，而纯随机噪声约为 67%（高出 {z} 个标准误差）。',
  'oscillation.swings': '其平滑后的水平波动是小批量噪声所能解释的 {ratio} 倍。',

  // ---- 平台期 ----
  'plateau.title': '损失进入平台期（{series}）',
  'plateau.mid':
    '{subject}从第 {step} 步到第 {endStep} 步一直停在 {level} 附近（{points} 个值，占训练的 {share}），之后才重新下降。',
  'plateau.terminal': '{subject}自第 {step} 步以来下降不到 {tol}（占训练的 {share}），基本停在 {level} 附近。',
  'plateau.lrConstant': '在此期间学习率一直保持在约 {lr}。',

  // ---- 没有学习 ----
  'noLearning.title': '模型没有在学习（{series}）',
  'noLearning.chance':
    '{subject}停在 {level}，正好是随机猜测水平 ln({classes}) = {chance}：模型的表现并不比在 {classes} 个类别中随机猜测更好。',
  'noLearning.inferred': '类别数是根据初始损失 {initial} ≈ ln({classes}) 推断出来的。',
  'noLearning.flat': '在 {points} 个值中，{subject}从未比初始水平 {initial} 低过 {drop}（当前为 {level}）。',

  // ---- 过拟合 ----
  'overfitting.title': '从第 {step} 步开始过拟合（{series}）',
  'overfitting.message': '{subject}在第 {step} 步达到最低（{best}），之后上升了 {rise}，到 {level}。',
  'overfitting.trainFalling': '与此同时，训练损失仍在下降（{change}）。',
  'overfitting.trainFlat': '与此同时，训练损失基本持平（{change}）。',
  'overfitting.trainNoisy': '与此同时，训练损失变化了 {change}，仍在其自身噪声范围之内。',
  'overfitting.noTrain': '日志中没有可对比的训练损失。',
  'overfitting.trend': '最近 {n} 个验证点呈上升趋势（每次评估斜率 {slope}）。',
  'overfitting.capacityTitle': '过拟合：准确率差距过大（{series}）',
  'overfitting.capacity':
    '训练准确率为 {trainAcc}，验证集准确率却只有 {valAcc}：模型记住了训练数据，但泛化能力差（训练高于 {high}，验证低于 {low}）。',

  // ---- 欠拟合 ----
  'underfitting.title': '欠拟合（{series}）',
  'underfitting.message': '{subject}大约从第 {step} 步起停在 {level}。',
  'underfitting.closeVal': '验证集损失 {val} 与之接近（{gap}）：模型并没有过拟合，而是容量或训练信号不足。',
  'underfitting.chance': '这仍是随机猜测水平 ln({classes}) = {chance} 的 {share}。',
  'underfitting.acc': '训练准确率 {trainAcc} 和验证集准确率 {valAcc} 都低于 {low}。',
  'underfitting.accTrain': '训练准确率 {trainAcc} 低于 {low}。',

  // ---- 尚未收敛 ----
  'notConverged.title': '训练结束时仍在下降（{series}）',
  'notConverged.message':
    '{subject}在第 {from}–{to} 步（{points} 个值）中下降了 {improvement}，收敛状态：{status}。继续训练应该还能进一步降低。',

  // ---- 早停 ----
  'earlyStop.title': '早停会在第 {step} 步停止（{series}）',
  'earlyStop.message':
    '{subject}在第 {bestStep} 步最好（{best}）。使用 patience={patience}、min_delta={minDelta} 的早停会在第 {step} 步停止，可节省 {saving} 的训练；最佳步之后的训练占 {afterBest}。',

  // ---- 梯度 ----
  'gradExplosion.title': '梯度爆炸（{series}）',
  'gradExplosion.growth':
    '{subject}从第 {step} 步起涨到最低水平 {min}（第 {minStep} 步）的 {factor} 倍，并一直保持在高位（当前 {level}）。',
  'gradExplosion.spikesTitle': '梯度范数尖峰（{series}）',
  'gradExplosion.spikes': '{subject}有 {count} 次远高于正常水平的尖峰，第一次在第 {step} 步，最高达 {ratio} 倍（{z} 个噪声单位）。',
  'vanishing.title': '梯度消失（{series}）',
  'vanishing.message': '{subject}从峰值 {peak}（第 {peakStep} 步）衰减了 {factor} 倍，降到 {level}，而训练损失一直停在 {loss} 不动。',

  // ---- 损失不平衡 ----
  'imbalance.title': '损失分项不平衡（{series}）',
  'imbalance.dominant': '在 {fraction} 的训练过程中，{part} 占各损失分项之和的 {share}；其他分项（{others}）几乎没有贡献。',
  'imbalance.ratio': '在 {fraction} 的训练过程中，{big} 比 {small} 大 {ratio} 倍，因此 {small} 对梯度几乎没有影响。',

  // ---- 学习率建议 ----
  'lrSuggestion.title': '建议学习率：{lr}',
  'lrSuggestion.message':
    '这是一次学习率范围测试：学习率从 {lrStart} 按几何级数升到 {lrEnd}。平滑后的损失在学习率 ≈ {lr} 处下降最快（斜率最陡）。',
  'lrSuggestion.minimum': '损失最低点对应的学习率约为 {lrMin}，其十分之一为 {lrMin10}。',
  'lrSuggestion.diverged': '学习率超过约 {lrDiv} 后损失发散。',

  // ---- 重启 ----
  'restart.title': '训练在第 {step} 步重新开始',
  'restart.message': '{series} 的步数从 {from} 回退到 {to}：日志中包含一次恢复或重新开始的训练。',
  'restart.more': '共有 {count} 次重启。',

  // ---- 修复建议 ----
  'fix.lowerLr.title': '降低学习率',
  'fix.lowerLr.detail': '把学习率除以 3 到 10；学习率过大是最常见的原因。',
  'fix.raiseLr.title': '提高学习率',
  'fix.raiseLr.detail': '学习率太小时权重几乎不动：试试放大 3 到 10 倍，或者先做一次学习率范围测试。',
  'fix.clipGrad.title': '添加梯度裁剪',
  'fix.clipGrad.detail': '在 backward() 和 step() 之间裁剪全局梯度范数（例如 max_norm=1.0）。',
  'fix.warmup.title': '加入学习率预热（warmup）',
  'fix.warmup.detail': '在最初几百到几千步内让学习率线性升到目标值。',
  'fix.checkInputs.title': '检查输入和标签中的 NaN/Inf',
  'fix.checkInputs.detail': '对每个 batch 断言数据都是有限值（torch.isfinite），并确认输入已归一化。',
  'fix.stableLoss.title': '使用数值稳定的损失函数',
  'fix.stableLoss.detail': '用 BCEWithLogitsLoss 代替 sigmoid + BCELoss，对原始 logits 使用 cross_entropy，在 log() 和 sqrt() 中加上 epsilon。',
  'fix.mixedPrecision.title': '让混合精度更安全',
  'fix.mixedPrecision.detail': '优先使用 bf16 autocast；如果用 fp16，要配合 GradScaler，让溢出的步被跳过。',
  'fix.detectAnomaly.title': '定位产生 NaN 的算子',
  'fix.detectAnomaly.detail': '在一次简短的调试运行中开启 autograd 异常检测，它会指出是哪个反向算子产生了 NaN。',
  'fix.showNanLosses.title': '如实记录 NaN 损失',
  'fix.showNanLosses.detail': 'Hugging Face Trainer 默认会隐藏 NaN 损失（logging_nan_inf_filter=True）；关闭该过滤器才能看到 NaN 从哪里开始。',
  'fix.rewindCheckpoint.title': '从出问题之前的检查点恢复',
  'fix.rewindCheckpoint.detail': '加载最后一个正常的检查点，降低学习率，并跳过出问题前后的那些 batch。',
  'fix.inspectBatches.title': '检查尖峰处的 batch',
  'fix.inspectBatches.detail': '记录每个 batch 的样本编号：尖峰常常来自损坏、重复或极端的样本。',
  'fix.lowerAdamEps.title': '让 Adam 更稳定',
  'fix.lowerAdamEps.detail': '对大模型而言，更小的 Adam epsilon（1e-8）、QK-norm 或 z-loss，以及更低的 beta2（0.95）都能减少尖峰。',
  'fix.largerBatch.title': '增大 batch size',
  'fix.largerBatch.detail': '更大的 batch（或梯度累积）可以降低让损失来回跳动的梯度噪声。',
  'fix.reduceLrOnPlateau.title': '停滞时降低学习率',
  'fix.reduceLrOnPlateau.detail': '使用 ReduceLROnPlateau（或余弦、阶梯式调度），在损失不再下降时自动降低学习率。',
  'fix.checkInit.title': '检查权重初始化',
  'fix.checkInit.detail': 'ReLU 网络使用 Kaiming/He 初始化，tanh 使用 Xavier 初始化；确认没有哪一层一开始就饱和。',
  'fix.overfitOneBatch.title': '先在单个 batch 上过拟合',
  'fix.overfitOneBatch.detail': '用一个固定的 batch 训练几百步：如果损失降不到接近 0，说明训练循环或模型本身有问题。',
  'fix.checkTrainingLoop.title': '检查训练循环',
  'fix.checkTrainingLoop.detail': '确认 zero_grad()、backward() 和 step() 都被调用，模型处于 train() 模式，参数需要梯度并且已交给优化器。',
  'fix.checkLabels.title': '检查标签和损失函数',
  'fix.checkLabels.detail':
    '确认打乱和数据增强之后标签仍与输入对应、类别数正确，并且损失函数与输出层匹配（CrossEntropyLoss 之前不要再加 softmax）。',
  'fix.earlyStopping.title': '早停并保留最佳检查点',
  'fix.earlyStopping.detail': '当验证集损失连续 {patience} 次评估都没有改善超过 min_delta={minDelta} 时停止训练，并恢复最佳权重。',
  'fix.saveBest.title': '保存最佳检查点',
  'fix.saveBest.detail': '每当验证集损失创新低时保存一次检查点，最后使用它而不是最后一个检查点。',
  'fix.weightDecay.title': '加入权重衰减',
  'fix.weightDecay.detail': '使用 AdamW，weight_decay 取 0.01 到 0.1 左右（或 L2 正则化）。',
  'fix.dropout.title': '加入 Dropout',
  'fix.dropout.detail': '在较大的全连接层之前加入 Dropout（p = 0.1 到 0.5）。',
  'fix.dataAugmentation.title': '数据增强或增加数据',
  'fix.dataAugmentation.detail': '更多（或经过增强的）训练数据是治疗过拟合最可靠的办法。',
  'fix.smallerModel.title': '减小模型容量',
  'fix.smallerModel.detail': '减少层数或单元数，或者冻结更多预训练骨干网络。',
  'fix.biggerModel.title': '增加模型容量',
  'fix.biggerModel.detail': '增加层数或单元数，或换用更强的网络结构，让模型能够拟合训练数据。',
  'fix.trainLonger.title': '训练更久',
  'fix.trainLonger.detail': '增加 epoch 数或步数，并相应拉长学习率调度（例如余弦调度的 T_max）。',
  'fix.lessRegularization.title': '减弱正则化',
  'fix.lessRegularization.detail': '降低权重衰减、Dropout 和数据增强的强度：它们可能限制了模型。',
  'fix.normLayers.title': '加入归一化层和残差连接',
  'fix.normLayers.detail': 'BatchNorm / LayerNorm 和跳跃连接能让激活值和梯度保持在健康的范围内。',
  'fix.activation.title': '使用不饱和的激活函数',
  'fix.activation.detail': '把隐藏层中的 sigmoid/tanh 换成 ReLU 或 GELU，并使用 He 初始化。',
  'fix.checkFrozen.title': '检查是否有参数被冻结',
  'fix.checkFrozen.detail': '确认需要训练的层 requires_grad=True，并且已经传给优化器。',
  'fix.reweightLosses.title': '重新设置各损失分项的权重',
  'fix.reweightLosses.detail': '缩放每个分项，使它们的量级相当（例如权重 ≈ 1 / 典型值）。',
  'fix.normalizeLossScales.title': '用滑动平均归一化各分项',
  'fix.normalizeLossScales.detail': '把每个分项除以它自身的滑动平均值，避免某一项主导梯度。',
  'fix.adaptiveWeighting.title': '让权重自动学习',
  'fix.adaptiveWeighting.detail': '使用不确定性加权（可学习的对数方差）或 GradNorm 自动平衡各分项。',
  'fix.useSuggestedLr.title': '使用学习率 {lr} 训练',
  'fix.useSuggestedLr.detail': '把建议的学习率作为正式训练的基础（或最大）学习率。',
  'fix.oneCycle.title': '使用 One-Cycle 调度',
  'fix.oneCycle.detail': '使用 OneCycleLR，max_lr={lr}：先预热到该值，再逐步退火。',
  'fix.resumeState.title': '恢复训练时同时恢复优化器和调度器状态',
  'fix.resumeState.detail': '恢复训练时，除了模型权重，还要恢复优化器、学习率调度器、梯度缩放器和步数计数器。',
  'fix.separateRuns.title': '每次训练单独记录日志',
  'fix.separateRuns.detail': '把每次训练写到单独的日志文件或目录中，避免重启后与之前的尝试混在一起。',

  // ---- 训练运行器（src/runner/messages.ts；数字已格式化）----
  'runner.stopped': 'Loss Lens 已停止训练：{what}',
  'runner.userStopped': '用户手动停止',
  'runner.atStep': '{series} 第 {step} 步',
  'runner.atStep.line': '{series} 第 {step} 步（第 {line} 行）',
  'runner.whatToChange': '建议修改：',
  'runner.cannotStart': '无法启动 {command}：{why}',
  'runner.badCwd': '工作目录不存在：{cwd}',
  'runner.notDir': '工作目录不是文件夹：{cwd}',
  'runner.dropped': '为限制 output.log 的大小，中间丢弃了 {lines} 行（{bytes}）输出',
  'runner.cutLines.one': '{count} 行超过 {max} 个字符，已截断（丢弃 {bytes}）',
  'runner.cutLines.many': '{count} 行超过 {max} 个字符，已截断（丢弃 {bytes}）',
  'runner.leftovers.one': '训练退出后仍有 {count} 个进程在运行，已将其停止',
  'runner.leftovers.many': '训练退出后仍有 {count} 个进程在运行，已将其停止',
  'runner.signalSent': '已向训练进程组发送 {signal}',
  'runner.signalSent.outside.one': '已向训练进程组发送 {signal}（另有 {count} 个已脱离进程组的进程）',
  'runner.signalSent.outside.many': '已向训练进程组发送 {signal}（另有 {count} 个已脱离进程组的进程）',
  'runner.survivors': '无法停止进程 {pids}',
  'runner.pseudoRunsFolder': '--runs-folder {dir} 位于内核伪文件系统 {fsRoot} 中，请选择其他文件夹',

  // ---- 编辑器集成（src/host/diagnostics/pure/text.ts：悬停、CodeLens、操作）----
  'editor.severity.error': '错误',
  'editor.severity.warning': '警告',
  'editor.severity.info': '提示',
  'editor.evidence': '证据',
  'editor.fixes': '建议尝试的修复',
  'editor.confidence': '置信度',
  'editor.step': '第 {step} 步',
  'editor.steps': '第 {from}–{to} 步',
  'editor.series': '序列',
  'editor.show': '在 Loss Lens 中查看',
  'editor.open': '打开曲线',
  'editor.none': '未发现问题',
  'editor.yes': '是',
  'editor.no': '否',
  'editor.count.error.one': '{count} 个错误',
  'editor.count.error.many': '{count} 个错误',
  'editor.count.warning.one': '{count} 个警告',
  'editor.count.warning.many': '{count} 个警告',
  'editor.count.info.one': '{count} 条提示',
  'editor.count.info.many': '{count} 条提示',
  'editor.listSeparator': '，',
  'editor.copyFix': '复制建议的修复',

  // ---- HTML 报告（src/core/report.ts） ----
  'report.title': 'Loss Lens 报告',
  'report.findings': '诊断结果',
  'report.none': '未发现问题。',
  'report.series': '序列',
  'report.events': '事件',
  'report.fixes': '建议按顺序尝试',
  'report.points': '个点',
  'report.nonFinite': '非有限值',
  'report.steps': '步',
  'report.loss': '损失',
  'report.lr': '学习率',
  'report.grad': '梯度范数',
  'report.acc': '准确率',
  'report.other': '其他指标',
  'report.generated': '生成时间',
  'report.problems': '无法读取的输入',
  'report.logScale': '对数坐标',

  // ---- 预测（src/core/forecast）----
  'forecast.notConverged.reach':
    '按目前的趋势，再训练约 {more} {units}会降到 {target}，并在 {level} 附近趋于平稳；到第 {to} {unit}预计为 {median}（80% 区间 {low}–{high}）。',
  'forecast.notConverged.expect': '按目前的趋势，到第 {to} {unit}预计为 {median}（80% 区间 {low}–{high}）。',
  'forecast.unit.epochs': '轮',
  'forecast.unit.steps': '步',
  'forecast.unit.epoch': '轮',
  'forecast.unit.step': '步',
  'forecast.cannotBeatBest.title': '无法超过最好的运行（{series}）',
  'forecast.cannotBeatBest.message':
    '在第 {step} 步，{series} 到第 {to} 步的预测为 {median}（80% 区间 {low}–{high}）：即使区间下端也高于最好运行的 {best}。',
  'forecast.cannotBeatBest.fix': '停止这次运行，换一组设置',
  'forecast.cannotBeatBest.fixDetail': '跑完也预计降不到 {best} 以下；把算力用在别的配置上更好。',
};
