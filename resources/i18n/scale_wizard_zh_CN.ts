<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ConnectPanel</name>
    <message>
        <source>— choose a scale inspection (draft) —</source>
        <translation>— 选择计价秤检查（草稿）—</translation>
    </message>
    <message>
        <source>{0} · class {1} · certificate {2} · valid until {3}</source>
        <translation>{0} · {1} 级 · 证书 {2} · 有效期至 {3}</translation>
    </message>
    <message>
        <source>EXPIRED</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>1  Scale and inspection</source>
        <translation>1  计价秤与检查</translation>
    </message>
    <message>
        <source>Inspection</source>
        <translation>检查记录</translation>
    </message>
    <message>
        <source>or a scale</source>
        <translation>或选择计价秤</translation>
    </message>
    <message>
        <source>type to find a scale…</source>
        <translation>输入名称查找计价秤…</translation>
    </message>
    <message>
        <source>New inspection</source>
        <translation>新建检查</translation>
    </message>
    <message>
        <source>2  Reference standards used (weights, reference scale)</source>
        <translation>2  所用标准器（标准砝码、参考秤）</translation>
    </message>
    <message>
        <source>No reference standards registered. Add them with `qcity metrology refs add`; without a weight set no verdict is possible.</source>
        <translation>尚未登记标准器。请用 `qcity metrology refs add` 登记；未使用标准砝码不能出具结论。</translation>
    </message>
    <message>
        <source>3  Serial port</source>
        <translation>3  串口</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>串口</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>Baud rate</source>
        <translation>波特率</translation>
    </message>
    <message>
        <source>Detect automatically</source>
        <translation>自动识别</translation>
    </message>
    <message>
        <source>Protocol default</source>
        <translation>协议默认</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Start the guided test  ▶</source>
        <translation>开始逐步测试  ▶</translation>
    </message>
</context>
<context>
    <name>LiveReading</name>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Overload: remove the load</source>
        <translation>超载：请取下载荷</translation>
    </message>
    <message>
        <source>Below zero range: empty the pan and re-zero</source>
        <translation>低于零点范围：请清空秤盘并重新置零</translation>
    </message>
    <message>
        <source>Stable</source>
        <translation>稳定</translation>
    </message>
    <message>
        <source>Moving</source>
        <translation>动态</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>净重</translation>
    </message>
    <message>
        <source>Gross</source>
        <translation>毛重</translation>
    </message>
    <message>
        <source>negative</source>
        <translation>负值</translation>
    </message>
</context>
<context>
    <name>ResultPanel</name>
    <message>
        <source>No findings.</source>
        <translation>无问题。</translation>
    </message>
    <message>
        <source>No checklist item is decided yet.</source>
        <translation>尚无可判定的检查表条目。</translation>
    </message>
    <message>
        <source>Suspected cheating: keep the scale and the evidence; consider sealing it.</source>
        <translation>涉嫌作弊：请保留计价秤与证据，必要时予以封存。</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>发现的问题</translation>
    </message>
    <message>
        <source>Checklist answers this test gives</source>
        <translation>本次测试给出的检查表结论</translation>
    </message>
    <message>
        <source>◀ Back to the steps</source>
        <translation>◀ 返回测试步骤</translation>
    </message>
    <message>
        <source>Write to the inspection record</source>
        <translation>写入检查记录</translation>
    </message>
    <message>
        <source>Open in the checklist editor</source>
        <translation>在检查表编辑器中打开</translation>
    </message>
</context>
<context>
    <name>ScaleWizardPage</name>
    <message>
        <source>Cannot list serial ports: {0}</source>
        <translation>无法列出串口：{0}</translation>
    </message>
    <message>
        <source>{0}: class {1}, Max {2}, Min {3}, e = {4}, d = {5}</source>
        <translation>{0}：{1} 级，Max {2}，Min {3}，e = {4}，d = {5}</translation>
    </message>
    <message>
        <source>A test of this inspection was saved; starting continues where it stopped.</source>
        <translation>该检查有已保存的测试；开始后将从中断处继续。</translation>
    </message>
    <message>
        <source>Serial number: {0}</source>
        <translation>出厂编号：{0}</translation>
    </message>
    <message>
        <source>Choose a scale from the list first.</source>
        <translation>请先从列表中选择计价秤。</translation>
    </message>
    <message>
        <source>Draft inspection created.</source>
        <translation>已新建检查（草稿）。</translation>
    </message>
    <message>
        <source>Readings are still recorded and kept.</source>
        <translation>读数仍会记录并保存。</translation>
    </message>
    <message>
        <source>No weight set chosen: readings are kept, but no verdict can be given.</source>
        <translation>未选择标准砝码：读数会保存，但不能出具结论。</translation>
    </message>
    <message>
        <source>Choose or type the serial port the scale is on.</source>
        <translation>请选择或输入计价秤所接的串口。</translation>
    </message>
    <message>
        <source>Connecting to {0}…</source>
        <translation>正在连接 {0}…</translation>
    </message>
    <message>
        <source>({0} readings recorded so far are saved.)</source>
        <translation>（已记录的 {0} 个读数均已保存。）</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Detecting the protocol…</source>
        <translation>正在识别协议…</translation>
    </message>
    <message>
        <source>Port lost — reconnecting…</source>
        <translation>串口断开，正在重连…</translation>
    </message>
    <message>
        <source>No valid data</source>
        <translation>无有效数据</translation>
    </message>
    <message>
        <source>Data stopped: the last value is stale</source>
        <translation>数据中断：显示的是旧读数</translation>
    </message>
    <message>
        <source>Connected: {0}</source>
        <translation>已连接：{0}</translation>
    </message>
    <message>
        <source>Choose a draft scale inspection (or create one for a scale) first.</source>
        <translation>请先选择一项计价秤检查草稿（或为计价秤新建检查）。</translation>
    </message>
    <message>
        <source>Pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>Fail</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>Incomplete</source>
        <translation>未完成</translation>
    </message>
    <message>
        <source>No verdict</source>
        <translation>不能出具结论</translation>
    </message>
    <message>
        <source>{0} readings recorded, {1} discarded, {2} step(s) skipped, {3} step(s) not done.</source>
        <translation>已记录 {0} 个读数，作废 {1} 个，跳过 {2} 步，未完成 {3} 步。</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>FAIL</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>Written to the inspection on {0}. Complete and sign it in the checklist editor.</source>
        <translation>已于 {0} 写入检查记录。请在检查表编辑器中完成并签名。</translation>
    </message>
    <message>
        <source>Confirm: write the unfinished test</source>
        <translation>确认：写入未完成的测试</translation>
    </message>
    <message>
        <source>{0} step(s) are not done. A test is written only once: press again to write what was measured so far.</source>
        <translation>还有 {0} 步未完成。每次测试只能写入一次：再按一次即写入目前已测的内容。</translation>
    </message>
    <message>
        <source>Written: {0} measurements and {1} checklist answers. Complete and sign the inspection in the checklist editor.</source>
        <translation>已写入：{0} 条测量记录、{1} 项检查表结论。请在检查表编辑器中完成检查并签名。</translation>
    </message>
    <message>
        <source>Open the inspection from the Inspections page.</source>
        <translation>请在“检查”页面打开该检查。</translation>
    </message>
    <message>
        <source>Cannot save the test to {0}: {1}</source>
        <translation>无法保存测试到 {0}：{1}</translation>
    </message>
    <message>
        <source>① Connect</source>
        <translation>① 连接</translation>
    </message>
    <message>
        <source>② Steps</source>
        <translation>② 测试</translation>
    </message>
    <message>
        <source>③ Result</source>
        <translation>③ 结果</translation>
    </message>
    <message>
        <source>Scale test</source>
        <translation>计价秤检测向导</translation>
    </message>
</context>
<context>
    <name>StepActions</name>
    <message>
        <source>Step {0} of {1}</source>
        <translation>第 {0} 步，共 {1} 步</translation>
    </message>
    <message>
        <source>Now add {0} gently ({1} d)</source>
        <translation>现在轻放 {0}（{1} d）</translation>
    </message>
    <message>
        <source>Place {0}  ({1} e)</source>
        <translation>请放上 {0}（{1} e）</translation>
    </message>
    <message>
        <source>The indication must rise by at least d = {0}</source>
        <translation>示值须增加至少一个分度 d = {0}</translation>
    </message>
    <message>
        <source>Amount = weight × unit price, rounded to 0.01 CNY</source>
        <translation>金额 = 重量 × 单价，修约到 0.01 元</translation>
    </message>
    <message>
        <source>Limit ±{0} ({1} e)</source>
        <translation>允许误差 ±{0}（{1} e）</translation>
    </message>
    <message>
        <source>weights&apos; error ≤ {0}</source>
        <translation>砝码误差须 ≤ {0}</translation>
    </message>
    <message>
        <source>Press a memory / unit-price key on the scale, note it, then record with Space.</source>
        <translation>按秤上的一个记忆/单价键，注明所按的键，再按空格记录。</translation>
    </message>
    <message>
        <source>Enter the unit price and the amount the scale shows, then record with Enter.</source>
        <translation>输入单价和秤上显示的金额，按 Enter 记录。</translation>
    </message>
    <message>
        <source>Add the small weights, enter ΔL, then record with Space.</source>
        <translation>加小砝码，输入 ΔL，再按空格记录。</translation>
    </message>
    <message>
        <source>Waiting for the load: it is recorded by itself when the reading is stable.</source>
        <translation>等待放上载荷：读数稳定后自动记录。</translation>
    </message>
    <message>
        <source>Overload: nothing is recorded. Remove the load.</source>
        <translation>超载：不记录。请取下载荷。</translation>
    </message>
    <message>
        <source>Negative reading ({0}): empty the pan and zero the scale; nothing is recorded.</source>
        <translation>示值为负（{0}）：请清空秤盘并置零；不记录。</translation>
    </message>
    <message>
        <source>Moving… waiting for a stable reading.</source>
        <translation>秤在动…等待稳定读数。</translation>
    </message>
    <message>
        <source>Stable {0} — confirming…</source>
        <translation>稳定 {0}，确认中…</translation>
    </message>
    <message>
        <source>Reading {0} is {1} away from the planned load: not recorded by itself. Check the weights; press Space to record it anyway.</source>
        <translation>示值 {0} 与应放载荷相差 {1}：未自动记录。请核对砝码；确认无误可按空格手动记录。</translation>
    </message>
    <message>
        <source>Serial value {0} {1} captured. Type what the customer display shows and press Enter (or tap “= serial value”).</source>
        <translation>已捕获串口读数 {0} {1}。请输入顾客显示屏上的读数并按 Enter（或点“= 串口值”）。</translation>
    </message>
    <message>
        <source>Choose an inspection and start the test first.</source>
        <translation>请先选择检查并开始测试。</translation>
    </message>
    <message>
        <source>Indication before: {0}. Now add the 1.4 d weight.</source>
        <translation>加砝码前示值：{0}。现在轻放 1.4 d 砝码。</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>FAIL</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>Recorded {0} for “{1}” {2}</source>
        <translation>已记录「{1}」{0} {2}</translation>
    </message>
    <message>
        <source>Price check recorded: {0}</source>
        <translation>计价核对已记录：{0}</translation>
    </message>
    <message>
        <source>No serial value to copy.</source>
        <translation>没有可复制的串口读数。</translation>
    </message>
    <message>
        <source>wrong reading</source>
        <translation>读数有误</translation>
    </message>
    <message>
        <source>Last reading of “{0}” discarded ({1}); it stays in the evidence. Measure again.</source>
        <translation>「{0}」的上一个读数已作废（{1}），仍保留在证据中。请重新测量。</translation>
    </message>
    <message>
        <source>no weights for this load</source>
        <translation>无相应砝码</translation>
    </message>
    <message>
        <source>Skipped “{0}”: {1}</source>
        <translation>已跳过「{0}」：{1}</translation>
    </message>
    <message>
        <source>typed</source>
        <translation>手动输入</translation>
    </message>
    <message>
        <source>serial, auto</source>
        <translation>串口自动</translation>
    </message>
    <message>
        <source>serial, by hand</source>
        <translation>串口手动</translation>
    </message>
</context>
<context>
    <name>StepPanel</name>
    <message>
        <source>void: {0}</source>
        <translation>作废：{0}</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>FAIL</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>No findings so far.</source>
        <translation>暂无问题。</translation>
    </message>
    <message>
        <source>Customer display shows</source>
        <translation>顾客显示屏读数</translation>
    </message>
    <message>
        <source>Key pressed</source>
        <translation>所按按键</translation>
    </message>
    <message>
        <source>Small weights ΔL (g)</source>
        <translation>小砝码 ΔL (g)</translation>
    </message>
    <message>
        <source>Indication typed by hand</source>
        <translation>手动示值</translation>
    </message>
    <message>
        <source>Unit price (CNY/kg)</source>
        <translation>单价（元/kg）</translation>
    </message>
    <message>
        <source>Amount shown (CNY)</source>
        <translation>显示金额（元）</translation>
    </message>
    <message>
        <source>Reason (discard / skip)</source>
        <translation>原因（作废/跳过）</translation>
    </message>
    <message>
        <source>e.g. 1.500</source>
        <translation>例如 1.500</translation>
    </message>
    <message>
        <source>only without serial</source>
        <translation>仅在无串口时填写</translation>
    </message>
    <message>
        <source>= serial value</source>
        <translation>= 串口值</translation>
    </message>
    <message>
        <source>Change-point method: I add small weights and enter ΔL before recording (no automatic capture on those steps)</source>
        <translation>闪变点法：记录前加小砝码并输入 ΔL（这些步骤不自动记录）</translation>
    </message>
    <message>
        <source>wrong reading</source>
        <translation>读数有误</translation>
    </message>
    <message>
        <source>weight misplaced</source>
        <translation>砝码放偏</translation>
    </message>
    <message>
        <source>no weights for this load</source>
        <translation>无相应砝码</translation>
    </message>
    <message>
        <source>not applicable to this scale</source>
        <translation>不适用于该秤</translation>
    </message>
    <message>
        <source>reason…</source>
        <translation>原因…</translation>
    </message>
    <message>
        <source>Record  [Space]</source>
        <translation>记录  [空格]</translation>
    </message>
    <message>
        <source>Discard last  [⌫]</source>
        <translation>作废上一个  [⌫]</translation>
    </message>
    <message>
        <source>Skip  [S]</source>
        <translation>跳过  [S]</translation>
    </message>
    <message>
        <source>Next step  [N]</source>
        <translation>下一步  [N]</translation>
    </message>
    <message>
        <source>Result  [R]</source>
        <translation>结果  [R]</translation>
    </message>
    <message>
        <source>◀ Connection</source>
        <translation>◀ 连接</translation>
    </message>
    <message>
        <source>Findings so far</source>
        <translation>目前发现的问题</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>Load L</source>
        <translation>载荷 L</translation>
    </message>
    <message>
        <source>Indication I</source>
        <translation>示值 I</translation>
    </message>
    <message>
        <source>Customer display</source>
        <translation>顾客显示</translation>
    </message>
    <message>
        <source>Error E</source>
        <translation>误差 E</translation>
    </message>
    <message>
        <source>MPE ±</source>
        <translation>MPE ±</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>记录方式</translation>
    </message>
</context>
</TS>
