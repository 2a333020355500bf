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
  'nonFinite.untilRestart': '该次运行直到结束都是非有限值；日志随后从第 {step} 步重新开始。',
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
  'divergence.titleRecovered': '训练曾一度发散（{series}）',
  'divergence.recovered': '{subject}从第 {bestStep} 步附近的 {best} 升到第 {step}–{endStep} 步的 {level}（{ratio} 倍，为这段 {points} 个记录值的中位数），之后才回落。',
  'divergence.short': '{subject}从第 {bestStep} 步的 {best} 升到 {level}（最后 {points} 个值的中位数，{ratio} 倍），自第 {step} 步起没有回落。',
  'divergence.message':
    '{subject}从第 {bestStep} 步附近的 {best} 开始上升，自第 {step} 步起升到最后 {points} 个值的 {level}（{ratio} 倍，均为记录值的中位数），且没有回落。',

  // ---- 损失尖峰 ----
  'runningMean.note': '“{series}”是每轮重新开始的累计平均值；按其在 {n} 轮各自结束时的值判断。',
  'spike.also': '同一次跳升也出现在其分项中：{others}。',
  'spike.alsoItem': '{series}（第 {step} 步升到 {peak}）',
  'twin.also': '同样的数值也记录为 {others}。',
  'spike.short': '{subject}在第 {peakStep} 步跳到 {peak}，是前后数值的 {ratio} 倍（之前 {before}，之后 {after}）。',
  'spike.shortRun': '{subject}在第 {fromStep}–{toStep} 步升高，第 {peakStep} 步达到 {peak}，至少是前后数值的 {ratio} 倍（之前 {before}，之后 {after}）。',
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
  'plateau.valNever':
    '{subject}在全部 {evaluations} 次评估中（第 {step}–{endStep} 步）改善从未超过 {tol}，一直停在 {level} 附近，而训练损失“{train}”变化了 {change}。模型学到的东西没有迁移到新数据上。',
  'plateau.lrConstant': '在此期间学习率一直保持在约 {lr}。',

  // ---- 没有学习 ----
  'noLearning.title': '模型没有在学习（{series}）',
  'noLearning.chance':
    '{subject}停在 {level}，正好是随机猜测水平 ln({classes}) = {chance}：模型的表现并不比在 {classes} 个类别中随机猜测更好。',
  'noLearning.inferred': '类别数是根据初始损失 {initial} ≈ ln({classes}) 推断出来的。',
  'noLearning.frozen':
    '{subject}自第 {step} 步爆炸以来的 {points} 个值一直在 {low} 到 {high} 之间（变化不到 {drop}）：模型卡在那里，什么也没有学到。',
  'noLearning.frozenAt':
    '{subject}自第 {step} 步爆炸以来的 {points} 个值一直停在 {level}：模型卡在那里，什么也没有学到。',
  'noLearning.launch': '这是追加在此日志中的其中一次运行（第 {from}–{to} 步）。',
  'noLearning.flat': '在 {points} 个值中，{subject}从未比初始水平 {initial} 低过 {drop}（当前为 {level}）。',

  // ---- 过拟合 ----
  'overfitting.runs': '本日志的 {m} 次运行中有 {n} 次出现同样情况。',
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
  'underfitting.slow': '{subject}停在 {level} 附近，仍在下降但很慢：第 {from}–{to} 步只下降了 {improvement}。',
  'underfitting.closeVal': '验证集损失 {val} 与之接近（{gap}）：模型并没有过拟合，而是容量或训练信号不足。',
  'underfitting.chance': '这仍是随机猜测水平 ln({classes}) = {chance} 的 {share}。',
  'underfitting.acc': '训练准确率 {trainAcc} 和验证集准确率 {valAcc} 都低于 {low}。',
  'underfitting.accTrain': '训练准确率 {trainAcc} 低于 {low}。',

  // ---- 尚未收敛 ----
  'notConverged.title': '训练结束时仍在下降（{series}）',
  'notConverged.message':
    '{subject}在第 {from}–{to} 步（{points} 个值）中下降了 {improvement}，收敛状态：{status}。继续训练应该还能进一步降低。',
  'notConverged.messageTail':
    '{subject}在第 {from}–{to} 步（{points} 个值）中稳定下降了 {improvement}，超出噪声范围（只看最后 {window} 个平滑点则{status}）。继续训练应该还能进一步降低。',

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
  'runner.siblingBest': 'cannot-beat-best：要超过的最好值为 {value}，即之前的运行 {run} 的最好 {series}',
  'runner.noSiblingBest': 'cannot-beat-best：{folder} 中没有带验证损失的之前运行，也没有给出最好值：本次运行不与最好值比较',
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
  // ---- 运行器对运行文件夹、结果和停止的描述（src/runner/runLabels.ts）----
  'runner.outcome.finished': '已完成',
  'runner.outcome.stopped': '已停止：第 {step} 步出现 {what}',
  'runner.outcome.stoppedByUser': '已被用户停止',
  'runner.outcome.failed': '失败',
  'runner.outcome.exitCode': '退出码 {code}',
  'runner.outcome.running': '运行中',
  'runner.stopSentence': '已在第 {step} 步停止：{what}。',
  'runner.stopTry': '可以尝试：{fixes}',
  'runner.what.nonFinite': '{series} 变成了 {value}',
  'runner.what.other': '{title}',
  'runner.failedBeforeMetrics': '运行在记录任何指标之前就失败了（{how}）：{why}',
  'runner.failedNoOutput': '运行在记录任何指标之前就失败了（{how}），且没有任何输出。',

  // ---- 运行列表（src/core/runs） ----
  'runs.insight.separates': '{param} {op} {value} 的 {count} 个运行中有 {broken} 个出现错误级问题（{kinds}）',
  'runs.insight.separates.none': '{param} {otherOp} {otherValue} 的 {others} 个运行中一个也没有',
  'runs.insight.separates.some': '{param} {otherOp} {otherValue} 的 {others} 个运行中只有 {otherBroken} 个',
  'runs.insight.separates.full': '{head}；{tail}。',
  'runs.insight.bestSetting.val':
    '{param} = {value} 的验证损失最低：{count} 个运行的中位数为 {median}，而 {param} = {nextValue} 为 {nextMedian}。',
  'runs.insight.bestSetting.train':
    '{param} = {value} 的训练损失最低：{count} 个运行的中位数为 {median}，而 {param} = {nextValue} 为 {nextMedian}。',
  'runs.insight.stillImproving':
    '最好的运行 {run} 仍在改善：其 {series} 在最后一个记录点（第 {step} 步）达到最低值 {value}；继续训练可能有益。',
  'runs.insight.stoppedImproving':
    '最好的运行 {run} 的 {series} 在第 {step} 步达到最低值 {value}，直到第 {last} 步都没有再改善。',
  'runs.explain.became': '{b} 的 {series} 在第 {step} 步变为 {what}，而 {a} 没有',
  'runs.explain.finding': '{b} 从第 {step} 步起出现“{title}”，而 {a} 没有',
  'runs.explain.both': '{a} 和 {b} 都出现 {kind}（分别从第 {stepA} 步和第 {stepB} 步起）',
  'runs.explain.best': '{a} 的最佳 {series} 为 {valueA}（第 {stepA} 步），{b} 为 {valueB}（{seriesB}，第 {stepB} 步）',
  'runs.explain.noCurves': '{a} 和 {b} 没有可比较的损失',
  'runs.explain.times': '{b} 的 {param} 是 {a} 的 {ratio} 倍（{valueB} 对 {valueA}）',
  'runs.explain.differs': '{b} 的 {param} 为 {valueB}，{a} 为 {valueA}',
  'runs.explain.onlyIn': '只有 {run} 设置了 {param}（{value}）',
  'runs.explain.moreDiffs': '另有 {count} 个参数不同',
  'runs.explain.restEqual': '其余完全相同',
  'runs.explain.sameConfig': '两者参数相同',
  'runs.explain.join': '；',
  'runs.explain.end': '。',
  'runs.insight.cannotBeat':
    '{count} 个运行已无法超过最好的运行 {best}（{series} 在第 {step} 步为 {value}）：它们在计划终点的预测区间下限仍高于该值：{runs}。',
  'runs.insight.cannotBeat.more':
    '{count} 个运行已无法超过最好的运行 {best}（{series} 在第 {step} 步为 {value}）：它们在计划终点的预测区间下限仍高于该值：{runs}，以及另外 {more} 个。',
  'runs.insight.cannotBeat.item': '{run}（第 {step} 步 {low}–{high}）',
  'runs.cli.header': '{count} 个运行：{errors} 个有错误，{warnings} 个有警告，{ok} 个正常',
  'runs.cli.insights': '洞察',
  'runs.cli.noInsights': '没有扫参洞察：共享参数的运行太少，或没有参数能区分它们。',
  'runs.col.status': '状态',
  'runs.col.run': '运行',
  'runs.col.worst': '最严重问题',
  'runs.col.best': '最佳损失（步）',
  'runs.col.lastStep': '最后一步',
  'runs.col.params': '参数',
  'runs.status.ok': '正常',
  'runs.status.warning': '警告',
  'runs.status.error': '错误',
  // ---- script checks (src/core/pyscript/messages.ts) ----
  'script.softmax-before-cross-entropy.message':
    '在 {loss}{via}之前做了 softmax，而它内部已经包含 log-softmax：模型相当于经过了两次 softmax。',
  'script.softmax-before-cross-entropy.fix': '把 `{variable}` 换成 `{input}` 传给 loss',
  'script.softmax-before-cross-entropy.fixNoInput': '去掉 softmax（直接输出 logits）',
  'script.softmax-before-cross-entropy.explanation':
    'CrossEntropyLoss 期望输入未归一化的 logits。先做 softmax 会把梯度压得很小：loss 下降缓慢，并停在高于真实最小值的位置。让模型直接输出 logits，只在需要概率的地方（推理时）再做 softmax。',
  'script.softmax-before-nll-loss.message':
    'softmax 的输出{via}被传给了 {loss}，而它期望的是对数概率：loss 变成了负的概率，而不是对数似然。',
  'script.softmax-before-nll-loss.fix': '用 log_softmax 代替 softmax',
  'script.softmax-before-nll-loss.explanation':
    'NLLLoss 只是取出真实类别对应的值并取负，所以输入必须是 log_softmax 的输出。传入 softmax 概率时，loss 只在 -1 到 0 之间，梯度很弱，也不再衡量对数似然：训练会停滞。请改用 log_softmax（或让模型输出 logits 并使用 CrossEntropyLoss）。',
  'script.sigmoid-before-bce.message':
    '先做 sigmoid 再用 {loss}：建议改用 {replacement} 直接处理 logits（数值更稳定）。',
  'script.sigmoid-before-bce.fix': '改用 {replacement}，并把 `{input}` 传给它',
  'script.sigmoid-before-bce.fixNoInput': '改用 {replacement} 并去掉 sigmoid',
  'script.sigmoid-before-bce.explanation':
    'BCELoss 作用在 sigmoid 输出上容易饱和：logits 很大时 sigmoid 恰好变成 0 或 1，log 被截断，梯度消失，loss 可能变成 inf/NaN。BCEWithLogitsLoss 把 sigmoid 和交叉熵合并，用 log-sum-exp 技巧保证数值稳定。只在需要概率的地方再调用 torch.sigmoid。',
  'script.sigmoid-before-bce-with-logits.message':
    'sigmoid 的输出{via}被传给了 {loss}，而它内部已经包含 sigmoid：模型相当于经过了两次 sigmoid。',
  'script.sigmoid-before-bce-with-logits.fix': '把 `{variable}` 换成 `{input}` 传给 loss',
  'script.sigmoid-before-bce-with-logits.fixNoInput': '把 logits 直接传给 loss（去掉 sigmoid）',
  'script.sigmoid-before-bce-with-logits.explanation':
    'BCEWithLogitsLoss 期望输入未经 sigmoid 的 logits。先做 sigmoid 会把输入压到 (0, 1) 之间，正样本的 loss 无法低于约 0.31（负样本约 0.69），梯度也被压小：loss 曲线会过早变平。请把 logits 直接传给 loss，只在需要概率的地方再调用 torch.sigmoid。',
  'script.missing-zero-grad.message': '这个循环里调用了 `{opt}.step()`，但从未清零梯度：每次 backward() 都会在之前的梯度上累加。',
  'script.missing-zero-grad.fix': '在 backward() 之前插入 `{opt}.zero_grad()`',
  'script.missing-zero-grad.explanation':
    'PyTorch 会在多次 backward() 之间累加 .grad。不调用 zero_grad() 时，每次更新用的是所有历史梯度之和，梯度越来越大，训练会不稳定甚至发散。每次优化器 step 调用一次 zero_grad()（梯度累积时放在 step() 之后）。',
  'script.loss-accumulated-with-graph.message':
    '`{target} {op} {loss}` 累加的是 loss 张量：每个 batch 的计算图都不会被释放，显存逐步增长。请改为累加 `{loss}.item()`。',
  'script.loss-accumulated-with-graph.fix': '改为 `{loss}.item()`',
  'script.loss-accumulated-with-graph.explanation':
    'loss 张量引用着产生它的整个计算图。对张量求和会让所有计算图（及其激活值）一直留在内存中；.item() 返回 Python 浮点数，计算图可以及时释放。',
  'script.validation-without-eval.message':
    '遍历 `{loader}` 的验证循环之前没有调用 `{model}.eval()`：Dropout 和 BatchNorm 仍处于训练模式，验证 loss 会抖动且有偏差。',
  'script.validation-without-eval.fix': '在循环前插入 `{model}.eval()`',
  'script.validation-without-eval.explanation':
    'model.eval() 会关闭 Dropout，并让 BatchNorm 使用滑动平均统计量。不调用它，验证结果会随 batch 和随机 dropout 掩码变化。下一轮训练前记得再调用 model.train()。',
  'script.validation-without-no-grad.message':
    '遍历 `{loader}` 的验证循环没有放在 `torch.no_grad()` 中：autograd 会记录每次前向计算，浪费显存和时间。',
  'script.validation-without-no-grad.fix': '用 `with torch.no_grad():` 包住该循环',
  'script.validation-without-no-grad.explanation':
    '在 torch.no_grad()（或 torch.inference_mode()）之外，每次前向计算都会构建计算图，而验证时根本不会反向传播。验证因此占用更多显存，大 batch 时可能显存溢出。',
  'script.abs-of-parameters.message':
    '`{call}` 会报错：parameters() 返回的是生成器而不是张量（TypeError）。应对每个参数分别求和。',
  'script.abs-of-parameters.fix': '替换为 `{replacement}`',
  'script.abs-of-parameters.explanation':
    '这是 Loss 调优指南中 L1 正则化的示例代码（2.3 节）。L1 惩罚是所有参数张量的 |w| 之和：`sum(p.abs().sum() for p in model.parameters())`。',
  'script.no-lr-scheduler.message':
    '没有使用学习率调度器：调优检查清单建议使用（如 CosineAnnealingLR、ReduceLROnPlateau、warmup）。',
  'script.no-lr-scheduler.explanation':
    'Loss 调优指南的调优检查清单（7.2 节）：“是否使用了学习率调度”。调度器会在训练趋于稳定时降低学习率，通常能得到更低的最终 loss，例如 `scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)`，每个 epoch 调用一次 `scheduler.step()`。',
  'script.no-early-stopping.message': '没有早停机制：验证 loss 不再改善时，训练循环也不会提前结束。',
  'script.no-early-stopping.explanation':
    'Loss 调优指南的调优检查清单（7.2 节）：“是否设置了早停机制”。记录最好的验证 loss，连续 N 个 epoch（patience）没有改善就停止，并保留最好的检查点。Loss Lens 会报告早停本应发生的位置（finding “early-stop”）。',
  'script.adam-lr-out-of-range.message': '{opt} 的学习率 {lr} 超出了 Adam 类优化器的常用范围（1e-4 到 1e-2）。',
  'script.adam-lr-out-of-range.fix': '将学习率设为 1e-3',
  'script.adam-lr-out-of-range.explanation':
    'Loss 调优指南的调优检查清单（7.2 节）：“学习率是否在合理范围（通常 1e-4 到 1e-2）”。学习率过大 loss 会震荡或发散，过小则下降极慢。微调大型预训练模型是常见的例外（常用 1e-5 到 5e-5）。',
  'script.lower-learning-rate.message': '训练日志显示：{reasons}。请降低此处设置的学习率（{lr}）。',
  'script.lower-learning-rate.messageUsed':
    '训练日志显示：{reasons}。这次运行使用了 {used}；此处的默认值是 {lr}。请用 {flag} {value} 运行。',
  'script.lower-learning-rate.messageUsedAlso':
    '训练日志显示：{reasons}。这次运行使用了 {used}；此处的默认值是 {lr}。请用 {flag} {value} 运行，并降低此默认值。',
  'script.lower-learning-rate.fix': '将学习率降低到 {value}',
  'script.lower-learning-rate.fixUsed': '将默认学习率降低到 {value}',
  'script.lower-learning-rate.explanation':
    '学习率过大是 NaN、发散和震荡的首要原因（Loss 调优指南诊断表：“降低学习率，添加梯度裁剪”）。通常先把学习率除以 10。',
  'script.add-gradient-clipping.message': '训练日志显示：{reasons}；而 backward() 之后没有做梯度裁剪。',
  'script.add-gradient-clipping.fix': '在 `{backward}` 之后插入 `{code}`',
  'script.add-gradient-clipping.explanation':
    '梯度裁剪会在每次更新前限制梯度范数，单个坏 batch 不会把权重推得太远（Loss 调优指南 2.4 节：`torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)`）。',
  'script.enable-gradient-clipping.message':
    '训练日志显示：{reasons}；但 clip_grad_norm_ 的 max_norm={value}：它只计算梯度范数，从不裁剪。',
  'script.enable-gradient-clipping.fix': '设置 max_norm=1.0 进行梯度裁剪',
  'script.enable-gradient-clipping.explanation':
    'max_norm 为无穷大时，clip_grad_norm_ 只返回梯度范数。设置一个有限的 max_norm（通常从 1.0 开始）才能限制每次更新。',
  'script.raise-weight-decay.message': '训练日志显示：{reasons}。请增大权重衰减（当前为 {current}）。',
  'script.raise-weight-decay.messageAdd': '训练日志显示：{reasons}。请为优化器添加权重衰减。',
  'script.raise-weight-decay.fix': '设置 weight_decay={value}',
  'script.raise-weight-decay.explanation':
    '过拟合（训练 loss 下降而验证 loss 上升）需要正则化和早停（Loss 调优指南诊断表）。权重衰减（L2）最容易尝试；使用权重衰减时 AdamW 优于 Adam。',
  'script.raise-dropout.message': '训练日志显示：{reasons}。请增大 Dropout（当前为 {current}）。',
  'script.raise-dropout.fix': '将 Dropout 设为 {value}',
  'script.raise-dropout.explanation': '更大的 Dropout 可以抑制过拟合（Loss 调优指南 2.3 节）。逐步增大，并观察验证 loss 的变化。',
  'script.via': '（经由变量 `{variable}`，第 {lossLine} 行）',

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
  // ---- the viewer (webview/; webview/i18n.ts reads these) ----
  'viewer.loading': '正在加载…',
  'viewer.noData': '没有可显示的训练指标。',
  'viewer.smoothing': '平滑',
  'viewer.smoothOff': '关闭',
  'viewer.smoothEma': 'EMA（TensorBoard 风格）',
  'viewer.smoothEmaX': 'EMA（按步长）',
  'viewer.smoothWindow': '居中窗口',
  'viewer.weight': '权重',
  'viewer.window': '窗口',
  'viewer.xAxis': '横轴',
  'viewer.xStep': '步数',
  'viewer.xEpoch': '轮次',
  'viewer.xRelative': '相对时间',
  'viewer.xWall': '实际时间',
  'viewer.logScale': '对数坐标',
  'viewer.logAuto': '（自动：数值跨 {n} 个数量级）',
  'viewer.ignoreOutliers': '忽略离群值',
  'viewer.forecast': '预测',
  'viewer.forecastHeading': '损失的走向',
  'viewer.forecastLine': '{series}：第 {step} {unit}预计为 {median}（80% 区间 {low}–{high}）',
  'viewer.resetZoom': '重置缩放',
  'viewer.export': '导出…',
  'viewer.exportPng': 'PNG 图片',
  'viewer.exportCsv': 'CSV（全部数据点）',
  'viewer.exportJson': 'JSON（全部数据点）',
  'viewer.exportHtml': 'HTML 报告',
  'viewer.series': '序列',
  'viewer.findings': '诊断结果',
  'viewer.noFindings': '未发现问题。',
  'viewer.failedNoData': '无法诊断：没有记录任何指标。',
  'viewer.fixes': '建议按顺序尝试',
  'viewer.step': '步',
  'viewer.epoch': '轮',
  'viewer.line': '行',
  'viewer.smoothed': '平滑值',
  'viewer.raw': '原始值',
  'viewer.points': '个点',
  'viewer.chartLoss': '损失',
  'viewer.chartLr': '学习率',
  'viewer.chartGrad': '梯度范数',
  'viewer.chartAcc': '准确率',
  'viewer.chartOther': '指标',
  'viewer.restart': '重启',
  'viewer.restartFromTo': '重启：步 {from} → {to}',
  'viewer.restartsTo': '{n} 次重启 → 步 {to}',
  'viewer.nonFinite': 'NaN/Inf',
  'viewer.nanCount': '{n} 个 NaN',
  'viewer.infCount': '{n} 个 Inf',
  'viewer.nonFiniteCount': '{n} 个 NaN/Inf',
  'viewer.posInfCount': '{n} 个 +Inf',
  'viewer.negInfCount': '{n} 个 -Inf',
  'viewer.markerTitle': '{series}：第 {steps} 步出现 {counts}',
  'viewer.earlyStop': '早停',
  'viewer.severityError': '错误',
  'viewer.severityWarning': '警告',
  'viewer.severityInfo': '信息',
  'viewer.convergence': '状态',
  'viewer.conv_converged': '已收敛',
  'viewer.conv_improving': '仍在改善',
  'viewer.conv_plateaued': '停滞',
  'viewer.conv_overfitting': '过拟合',
  'viewer.conv_diverged': '发散',
  'viewer.conv_non-finite': '损失中出现 NaN/Inf',
  'viewer.conv_unknown': '未知',
  'viewer.bestVal': '最佳验证',
  'viewer.bestValAt': '最佳 {series} {value}（第 {step} 步）',
  'viewer.earlyStopSaving': '在第 {step} 步提前停止可节省 {saved} 步（{pct}）',
  'viewer.live': '实时',
  'viewer.steps': '步',
  'viewer.restarts': '次重启',
  'viewer.problems': '无法读取',
  'viewer.openSource': '在日志中打开',
  'viewer.zoomHint': '滚轮或拖动缩放，Shift+拖动平移，双击重置',
  'viewer.runs': '{n} 个运行',
  'viewer.progressReading': '正在读取 {file}：已读 {done}，共 {total}（{pct}%）',
  'viewer.progressAnalysing': '正在分析 {file}…',
  'viewer.progressCancel': '取消',
  'viewer.findingsPending': '读取并分析完整个日志后显示发现的问题。',
  'viewer.progressCancelled': '已取消：读取了 {done}，共 {total}（{pct}%）。可关闭此视图，或重新打开日志再读取。',
  'viewer.overviewNote':
    '长日志的概览：绘制了 {total} 个点中的 {shown} 个（每个步数区间的第一个、最低、最高和最后一个点；保留所有 NaN）。导出包含全部点。',
};
