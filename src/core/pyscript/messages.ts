/** English and Simplified Chinese texts of the training-script issues. */
import type { Lang } from '../diagnose/types';
import type { ScriptIssueCode } from './types';

export type Params = Record<string, string>;

interface Entry {
  message: (p: Params) => string;
  explanation: (p: Params) => string;
  fix?: (p: Params) => string;
}

type Catalogue = Record<ScriptIssueCode, Entry>;

/** " (through `probs`, line 22)" when the value reaches the loss through a variable. */
function viaEn(p: Params): string {
  return p.variable ? ` (through \`${p.variable}\`, line ${p.lossLine})` : '';
}

function viaZh(p: Params): string {
  return p.variable ? `（经由变量 \`${p.variable}\`，第 ${p.lossLine} 行）` : '';
}

const CHECKLIST_EN = 'Checklist of the Loss tuning guide (§7.2)';
const CHECKLIST_ZH = 'Loss 调优指南的调优检查清单（7.2 节）';

const EN: Catalogue = {
  'softmax-before-cross-entropy': {
    message: p =>
      `Softmax applied before ${p.loss}${viaEn(p)}, which already applies log-softmax: the model is trained through a double softmax.`,
    explanation: () =>
      'CrossEntropyLoss expects raw logits. Feeding it probabilities squashes the gradients: the loss falls slowly and stalls above its real minimum. Return the logits from the model and apply softmax only where probabilities are needed (at inference).',
    fix: p => (p.input ? `Give the loss \`${p.input}\` instead of \`${p.variable}\`` : 'Remove the softmax (return logits)'),
  },
  'softmax-before-nll-loss': {
    message: p =>
      `Softmax output given to ${p.loss}${viaEn(p)}, which expects log-probabilities: the loss becomes minus a probability instead of a log-likelihood.`,
    explanation: () =>
      'NLLLoss only picks the value of the true class and negates it, so it must get log_softmax outputs. With softmax outputs the loss stays between -1 and 0, its gradients are weak and it does not measure the log-likelihood: training stalls. Use log_softmax (or return logits and use CrossEntropyLoss).',
    fix: () => 'Use log_softmax instead of softmax',
  },
  'sigmoid-before-bce': {
    message: p =>
      `Sigmoid followed by ${p.loss}: use ${p.replacement} on the logits instead (numerically stable).`,
    explanation: () =>
      'BCELoss on sigmoid outputs saturates: for large logits the sigmoid rounds to exactly 0 or 1, the log is clamped, gradients vanish and the loss can turn into inf/NaN. BCEWithLogitsLoss fuses the sigmoid and the cross-entropy with the log-sum-exp trick. Apply torch.sigmoid only where probabilities are needed.',
    fix: p => (p.input ? `Use ${p.replacement} on \`${p.input}\`` : `Use ${p.replacement} and remove the sigmoid`),
  },
  'sigmoid-before-bce-with-logits': {
    message: p =>
      `Sigmoid output given to ${p.loss}${viaEn(p)}, which applies a sigmoid itself: the model is trained through a double sigmoid.`,
    explanation: () =>
      'BCEWithLogitsLoss expects raw logits. A sigmoid before it squeezes its input into (0, 1), so the loss cannot fall below about 0.31 for positive labels (0.69 for negative ones) and the gradients shrink: the loss curve flattens early. Give the loss the logits and apply torch.sigmoid only where probabilities are needed.',
    fix: p => (p.input ? `Give the loss \`${p.input}\` instead of \`${p.variable}\`` : 'Give the loss the logits (remove the sigmoid)'),
  },
  'missing-zero-grad': {
    message: p =>
      `\`${p.opt}.step()\` runs in this loop but the gradients are never zeroed: every backward() adds to the previous gradients.`,
    explanation: () =>
      'PyTorch accumulates .grad across backward() calls. Without zero_grad() each update uses the sum of all past gradients, which keeps growing and makes training unstable or diverge. Call zero_grad() once per optimizer step (with gradient accumulation: right after step()).',
    fix: p => `Insert \`${p.opt}.zero_grad()\` before backward()`,
  },
  'loss-accumulated-with-graph': {
    message: p =>
      `\`${p.target} ${p.op} ${p.loss}\` accumulates the loss tensor: the autograd graph of every batch stays alive and memory grows each step. Accumulate \`${p.loss}.item()\` instead.`,
    explanation: () =>
      'A loss tensor references the whole computation graph that produced it. Summing tensors keeps all those graphs (and their activations) in memory until the sum is freed; .item() returns a Python float and lets each graph go.',
    fix: p => `Use \`${p.loss}.item()\``,
  },
  'validation-without-eval': {
    message: p =>
      `Validation loop over \`${p.loader}\` without \`${p.model}.eval()\`: dropout and batch norm stay in training mode, so the validation loss is noisy and biased.`,
    explanation: () =>
      'model.eval() switches Dropout off and makes BatchNorm use its running statistics. Without it, validation results depend on the batch and on random dropout masks. Call model.train() again before the next training epoch.',
    fix: p => `Insert \`${p.model}.eval()\` before the loop`,
  },
  'validation-without-no-grad': {
    message: p =>
      `Validation loop over \`${p.loader}\` without \`torch.no_grad()\`: autograd records every forward pass, wasting memory and time.`,
    explanation: () =>
      'Outside torch.no_grad() (or torch.inference_mode()) every forward pass builds a computation graph that is never used for a backward pass. Validation then needs much more memory and can run out of GPU memory on large batches.',
    fix: () => 'Wrap the loop in `with torch.no_grad():`',
  },
  'abs-of-parameters': {
    message: p =>
      `\`${p.call}\` fails: parameters() is a generator, not a tensor (TypeError). Sum over the parameters instead.`,
    explanation: () =>
      'This is the L1-regularisation sample of the Loss guide (§2.3). The L1 penalty is the sum of |w| over every parameter tensor: `sum(p.abs().sum() for p in model.parameters())`.',
    fix: p => `Replace with \`${p.replacement}\``,
  },
  'no-lr-scheduler': {
    message: () =>
      'No learning-rate scheduler: the tuning checklist recommends one (e.g. CosineAnnealingLR, ReduceLROnPlateau, warmup).',
    explanation: () =>
      `${CHECKLIST_EN}: "Is a learning-rate schedule used?". A schedule lowers the learning rate as training settles, which usually gives a lower final loss, e.g. \`scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)\` and \`scheduler.step()\` once per epoch.`,
  },
  'no-early-stopping': {
    message: () =>
      'No early stopping: the training loop never stops when the validation loss stops improving.',
    explanation: () =>
      `${CHECKLIST_EN}: "Is early stopping set up?". Track the best validation loss and stop after N epochs (patience) without improvement; keep the best checkpoint. Loss Lens reports the step where that would have happened (finding "early-stop").`,
  },
  'adam-lr-out-of-range': {
    message: p =>
      `${p.opt} learning rate ${p.lr} is outside the usual 1e-4 to 1e-2 range for Adam-family optimizers.`,
    explanation: () =>
      `${CHECKLIST_EN}: "Is the learning rate in a reasonable range (usually 1e-4 to 1e-2)?". Too high makes the loss oscillate or diverge, too low makes it crawl. Fine-tuning a large pretrained model is a known exception (1e-5 to 5e-5 is common there).`,
    fix: () => 'Set the learning rate to 1e-3',
  },
  'lower-learning-rate': {
    message: p =>
      p.used
        ? `The run shows ${p.reasons}. This run used ${p.used}; the default here is ${p.lr}. Run it with ${p.flag} ${p.value}${p.also ? ' and lower this default' : ''}.`
        : `The run shows ${p.reasons}. Lower the learning rate set here (${p.lr}).`,
    explanation: () =>
      'Too high a learning rate is the first cause of NaN, divergence and oscillation (Loss guide, diagnosis table: "lower the learning rate, add gradient clipping"). Dividing it by 10 is the usual first step.',
    fix: p => (p.used ? `Lower the default learning rate to ${p.value}` : `Lower the learning rate to ${p.value}`),
  },
  'add-gradient-clipping': {
    message: p => `The run shows ${p.reasons}, and gradients are not clipped after backward().`,
    explanation: () =>
      'Gradient clipping caps the gradient norm before each update, so one bad batch cannot throw the weights far away (Loss guide §2.4: `torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)`).',
    fix: p => `Insert \`${p.code}\` after \`${p.backward}\``,
  },
  'enable-gradient-clipping': {
    message: p =>
      `The run shows ${p.reasons}, but clip_grad_norm_ is called with max_norm=${p.value}: it measures the gradient norm and never clips it.`,
    explanation: () =>
      'With an infinite max_norm, clip_grad_norm_ only returns the norm. A finite max_norm (1.0 is a common start) caps each update.',
    fix: () => 'Clip at max_norm=1.0',
  },
  'raise-weight-decay': {
    message: p => `The run shows ${p.reasons}. ${p.current ? `Raise weight decay (now ${p.current}).` : 'Add weight decay to the optimizer.'}`,
    explanation: () =>
      'Overfitting (validation loss rising while training loss falls) calls for regularisation and early stopping (Loss guide, diagnosis table). Weight decay (L2) is the cheapest to try; prefer AdamW over Adam for it.',
    fix: p => `Set weight_decay=${p.value}`,
  },
  'raise-dropout': {
    message: p => `The run shows ${p.reasons}. Raise dropout (now ${p.current}).`,
    explanation: () =>
      'More dropout regularises the model against overfitting (Loss guide §2.3). Raise it gradually and watch the validation loss.',
    fix: p => `Set dropout to ${p.value}`,
  },
};

const ZH: Catalogue = {
  'softmax-before-cross-entropy': {
    message: p =>
      `在 ${p.loss}${viaZh(p) || ' '}之前做了 softmax，而它内部已经包含 log-softmax：模型相当于经过了两次 softmax。`,
    explanation: () =>
      'CrossEntropyLoss 期望输入未归一化的 logits。先做 softmax 会把梯度压得很小：loss 下降缓慢，并停在高于真实最小值的位置。让模型直接输出 logits，只在需要概率的地方（推理时）再做 softmax。',
    fix: p => (p.input ? `把 \`${p.variable}\` 换成 \`${p.input}\` 传给 loss` : '去掉 softmax（直接输出 logits）'),
  },
  'softmax-before-nll-loss': {
    message: p => `softmax 的输出${viaZh(p)}被传给了 ${p.loss}，而它期望的是对数概率：loss 变成了负的概率，而不是对数似然。`,
    explanation: () =>
      'NLLLoss 只是取出真实类别对应的值并取负，所以输入必须是 log_softmax 的输出。传入 softmax 概率时，loss 只在 -1 到 0 之间，梯度很弱，也不再衡量对数似然：训练会停滞。请改用 log_softmax（或让模型输出 logits 并使用 CrossEntropyLoss）。',
    fix: () => '用 log_softmax 代替 softmax',
  },
  'sigmoid-before-bce': {
    message: p => `先做 sigmoid 再用 ${p.loss}：建议改用 ${p.replacement} 直接处理 logits（数值更稳定）。`,
    explanation: () =>
      'BCELoss 作用在 sigmoid 输出上容易饱和：logits 很大时 sigmoid 恰好变成 0 或 1，log 被截断，梯度消失，loss 可能变成 inf/NaN。BCEWithLogitsLoss 把 sigmoid 和交叉熵合并，用 log-sum-exp 技巧保证数值稳定。只在需要概率的地方再调用 torch.sigmoid。',
    fix: p => (p.input ? `改用 ${p.replacement}，并把 \`${p.input}\` 传给它` : `改用 ${p.replacement} 并去掉 sigmoid`),
  },
  'sigmoid-before-bce-with-logits': {
    message: p => `sigmoid 的输出${viaZh(p)}被传给了 ${p.loss}，而它内部已经包含 sigmoid：模型相当于经过了两次 sigmoid。`,
    explanation: () =>
      'BCEWithLogitsLoss 期望输入未经 sigmoid 的 logits。先做 sigmoid 会把输入压到 (0, 1) 之间，正样本的 loss 无法低于约 0.31（负样本约 0.69），梯度也被压小：loss 曲线会过早变平。请把 logits 直接传给 loss，只在需要概率的地方再调用 torch.sigmoid。',
    fix: p => (p.input ? `把 \`${p.variable}\` 换成 \`${p.input}\` 传给 loss` : '把 logits 直接传给 loss（去掉 sigmoid）'),
  },
  'missing-zero-grad': {
    message: p =>
      `这个循环里调用了 \`${p.opt}.step()\`，但从未清零梯度：每次 backward() 都会在之前的梯度上累加。`,
    explanation: () =>
      'PyTorch 会在多次 backward() 之间累加 .grad。不调用 zero_grad() 时，每次更新用的是所有历史梯度之和，梯度越来越大，训练会不稳定甚至发散。每次优化器 step 调用一次 zero_grad()（梯度累积时放在 step() 之后）。',
    fix: p => `在 backward() 之前插入 \`${p.opt}.zero_grad()\``,
  },
  'loss-accumulated-with-graph': {
    message: p =>
      `\`${p.target} ${p.op} ${p.loss}\` 累加的是 loss 张量：每个 batch 的计算图都不会被释放，显存逐步增长。请改为累加 \`${p.loss}.item()\`。`,
    explanation: () =>
      'loss 张量引用着产生它的整个计算图。对张量求和会让所有计算图（及其激活值）一直留在内存中；.item() 返回 Python 浮点数，计算图可以及时释放。',
    fix: p => `改为 \`${p.loss}.item()\``,
  },
  'validation-without-eval': {
    message: p =>
      `遍历 \`${p.loader}\` 的验证循环之前没有调用 \`${p.model}.eval()\`：Dropout 和 BatchNorm 仍处于训练模式，验证 loss 会抖动且有偏差。`,
    explanation: () =>
      'model.eval() 会关闭 Dropout，并让 BatchNorm 使用滑动平均统计量。不调用它，验证结果会随 batch 和随机 dropout 掩码变化。下一轮训练前记得再调用 model.train()。',
    fix: p => `在循环前插入 \`${p.model}.eval()\``,
  },
  'validation-without-no-grad': {
    message: p =>
      `遍历 \`${p.loader}\` 的验证循环没有放在 \`torch.no_grad()\` 中：autograd 会记录每次前向计算，浪费显存和时间。`,
    explanation: () =>
      '在 torch.no_grad()（或 torch.inference_mode()）之外，每次前向计算都会构建计算图，而验证时根本不会反向传播。验证因此占用更多显存，大 batch 时可能显存溢出。',
    fix: () => '用 `with torch.no_grad():` 包住该循环',
  },
  'abs-of-parameters': {
    message: p =>
      `\`${p.call}\` 会报错：parameters() 返回的是生成器而不是张量（TypeError）。应对每个参数分别求和。`,
    explanation: () =>
      '这是 Loss 调优指南中 L1 正则化的示例代码（2.3 节）。L1 惩罚是所有参数张量的 |w| 之和：`sum(p.abs().sum() for p in model.parameters())`。',
    fix: p => `替换为 \`${p.replacement}\``,
  },
  'no-lr-scheduler': {
    message: () =>
      '没有使用学习率调度器：调优检查清单建议使用（如 CosineAnnealingLR、ReduceLROnPlateau、warmup）。',
    explanation: () =>
      `${CHECKLIST_ZH}：“是否使用了学习率调度”。调度器会在训练趋于稳定时降低学习率，通常能得到更低的最终 loss，例如 \`scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)\`，每个 epoch 调用一次 \`scheduler.step()\`。`,
  },
  'no-early-stopping': {
    message: () => '没有早停机制：验证 loss 不再改善时，训练循环也不会提前结束。',
    explanation: () =>
      `${CHECKLIST_ZH}：“是否设置了早停机制”。记录最好的验证 loss，连续 N 个 epoch（patience）没有改善就停止，并保留最好的检查点。Loss Lens 会报告早停本应发生的位置（finding “early-stop”）。`,
  },
  'adam-lr-out-of-range': {
    message: p => `${p.opt} 的学习率 ${p.lr} 超出了 Adam 类优化器的常用范围（1e-4 到 1e-2）。`,
    explanation: () =>
      `${CHECKLIST_ZH}：“学习率是否在合理范围（通常 1e-4 到 1e-2）”。学习率过大 loss 会震荡或发散，过小则下降极慢。微调大型预训练模型是常见的例外（常用 1e-5 到 5e-5）。`,
    fix: () => '将学习率设为 1e-3',
  },
  'lower-learning-rate': {
    message: p =>
      p.used
        ? `训练日志显示：${p.reasons}。这次运行使用了 ${p.used}；此处的默认值是 ${p.lr}。请用 ${p.flag} ${p.value} 运行${p.also ? '，并降低此默认值' : ''}。`
        : `训练日志显示：${p.reasons}。请降低此处设置的学习率（${p.lr}）。`,
    explanation: () =>
      '学习率过大是 NaN、发散和震荡的首要原因（Loss 调优指南诊断表：“降低学习率，添加梯度裁剪”）。通常先把学习率除以 10。',
    fix: p => (p.used ? `将默认学习率降低到 ${p.value}` : `将学习率降低到 ${p.value}`),
  },
  'add-gradient-clipping': {
    message: p => `训练日志显示：${p.reasons}；而 backward() 之后没有做梯度裁剪。`,
    explanation: () =>
      '梯度裁剪会在每次更新前限制梯度范数，单个坏 batch 不会把权重推得太远（Loss 调优指南 2.4 节：`torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)`）。',
    fix: p => `在 \`${p.backward}\` 之后插入 \`${p.code}\``,
  },
  'enable-gradient-clipping': {
    message: p =>
      `训练日志显示：${p.reasons}；但 clip_grad_norm_ 的 max_norm=${p.value}：它只计算梯度范数，从不裁剪。`,
    explanation: () =>
      'max_norm 为无穷大时，clip_grad_norm_ 只返回梯度范数。设置一个有限的 max_norm（通常从 1.0 开始）才能限制每次更新。',
    fix: () => '设置 max_norm=1.0 进行梯度裁剪',
  },
  'raise-weight-decay': {
    message: p =>
      `训练日志显示：${p.reasons}。${p.current ? `请增大权重衰减（当前为 ${p.current}）。` : '请为优化器添加权重衰减。'}`,
    explanation: () =>
      '过拟合（训练 loss 下降而验证 loss 上升）需要正则化和早停（Loss 调优指南诊断表）。权重衰减（L2）最容易尝试；使用权重衰减时 AdamW 优于 Adam。',
    fix: p => `设置 weight_decay=${p.value}`,
  },
  'raise-dropout': {
    message: p => `训练日志显示：${p.reasons}。请增大 Dropout（当前为 ${p.current}）。`,
    explanation: () =>
      '更大的 Dropout 可以抑制过拟合（Loss 调优指南 2.3 节）。逐步增大，并观察验证 loss 的变化。',
    fix: p => `将 Dropout 设为 ${p.value}`,
  },
};

export interface IssueText {
  message: string;
  messageEn: string;
  messageZh: string;
  explanation: string;
  fixTitle?: string;
}

/** Texts of an issue: messages in both languages, explanation and fix title in `lang`. */
export function issueText(
  code: ScriptIssueCode,
  lang: Lang,
  params: Params,
  paramsZh: Params = params,
): IssueText {
  const en = EN[code];
  const zh = ZH[code];
  const cat = lang === 'zh-cn' ? zh : en;
  const p = lang === 'zh-cn' ? paramsZh : params;
  const messageEn = en.message(params);
  const messageZh = zh.message(paramsZh);
  return {
    message: lang === 'zh-cn' ? messageZh : messageEn,
    messageEn,
    messageZh,
    explanation: cat.explanation(p),
    fixTitle: cat.fix?.(p),
  };
}
