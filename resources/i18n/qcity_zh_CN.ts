<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Errors</name>
    <message>
        <source>Disk full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <source>Free some disk space, then try again. Nothing already saved is lost.</source>
        <translation>请清理出一些磁盘空间后重试。已保存的内容不会丢失。</translation>
    </message>
    <message>
        <source>No permission</source>
        <translation>没有权限</translation>
    </message>
    <message>
        <source>Choose a folder you can write to, or ask IT to fix the permissions.</source>
        <translation>请选择有写入权限的文件夹，或请信息部门修改权限。</translation>
    </message>
    <message>
        <source>File not found</source>
        <translation>找不到文件</translation>
    </message>
    <message>
        <source>Check that the file still exists (a USB stick may have been removed).</source>
        <translation>请确认文件仍然存在（U 盘可能已被拔出）。</translation>
    </message>
    <message>
        <source>File problem</source>
        <translation>文件问题</translation>
    </message>
    <message>
        <source>Check the file and the disk, then try again.</source>
        <translation>请检查文件和磁盘后重试。</translation>
    </message>
    <message>
        <source>Another program is using the database (another QCity window, a backup or sync tool). Close it and try again; nothing already saved is lost.</source>
        <translation>另一个程序正在使用数据库（另一个 QCity 窗口、备份或同步工具）。请关闭它后重试；已保存的内容不会丢失。</translation>
    </message>
    <message>
        <source>Database in use</source>
        <translation>数据库被占用</translation>
    </message>
    <message>
        <source>Database is read-only</source>
        <translation>数据库只读</translation>
    </message>
    <message>
        <source>Check the file's permissions or copy it to a writable folder.</source>
        <translation>请检查文件权限，或将其复制到可写的文件夹。</translation>
    </message>
    <message>
        <source>Database path is a folder</source>
        <translation>数据库路径是一个文件夹</translation>
    </message>
    <message>
        <source>Give the path of a database file (option --db or QCITY_DB), not a folder.</source>
        <translation>请指定数据库文件的路径（--db 选项或 QCITY_DB 环境变量），而不是文件夹。</translation>
    </message>
    <message>
        <source>Database damaged</source>
        <translation>数据库已损坏</translation>
    </message>
    <message>
        <source>Restore the latest backup or sync from the hub; keep the damaged file for support.</source>
        <translation>请恢复最近的备份或从中心同步；保留损坏的文件以便技术支持分析。</translation>
    </message>
    <message>
        <source>Device problem</source>
        <translation>设备问题</translation>
    </message>
    <message>
        <source>Check the cable and the port, then try again.</source>
        <translation>请检查连接线和端口后重试。</translation>
    </message>
    <message>
        <source>Hub unreachable</source>
        <translation>无法连接中心服务器</translation>
    </message>
    <message>
        <source>Check the network and the hub address in Settings; work goes on offline.</source>
        <translation>请检查网络和“设置”中的中心地址；离线工作不受影响。</translation>
    </message>
    <message>
        <source>Problem outside the program</source>
        <translation>程序外部的问题</translation>
    </message>
    <message>
        <source>Check the message, fix the cause, and try again.</source>
        <translation>请根据提示排除原因后重试。</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <source>It may have been removed or not synced yet; refresh the list.</source>
        <translation>它可能已被删除或尚未同步；请刷新列表。</translation>
    </message>
    <message>
        <source>Please check the input</source>
        <translation>请检查输入</translation>
    </message>
    <message>
        <source>Correct the value and try again.</source>
        <translation>请更正后重试。</translation>
    </message>
    <message>
        <source>Not possible now</source>
        <translation>当前无法操作</translation>
    </message>
    <message>
        <source>The record's state does not allow this step.</source>
        <translation>该记录的当前状态不允许此操作。</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>QCity Inspector hit a bug</source>
        <translation>QCity 检查助手遇到程序错误</translation>
    </message>
    <message>
        <source>Something went wrong inside the program. Your answers are saved as you type, so the open inspection is kept. Please copy the report below and send it to support.</source>
        <translation>程序内部出现了错误。您的填写内容在输入时已自动保存，打开的检查记录不会丢失。请复制下面的报告并发送给技术支持。</translation>
    </message>
    <message>
        <source>Log file: {0}</source>
        <translation>日志文件：{0}</translation>
    </message>
    <message>
        <source>(no log file)</source>
        <translation>（无日志文件）</translation>
    </message>
    <message>
        <source>Copy report</source>
        <translation>复制报告</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>InspectionsModel</name>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>检查对象</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>检查表</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检查员</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Certificate no.</source>
        <translation>证书编号</translation>
    </message>
</context>
<context>
    <name>InspectionsPage</name>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message numerus="yes">
        <source>%n inspection(s)</source>
        <translation>
            <numerusform>共 %n 条检查记录</numerusform>
        </translation>
    </message>
    <message>
        <source>({0} loaded; scroll for more)</source>
        <translation>（已加载 {0} 条，向下滚动加载更多）</translation>
    </message>
    <message>
        <source>Export inspections</source>
        <translation>导出检查记录</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Exported {0} of {1}</source>
        <translation>已导出 {0} / {1}</translation>
    </message>
    <message numerus="yes">
        <source>%n inspection(s) exported to {0}</source>
        <translation>
            <numerusform>已将 %n 条检查记录导出到 {0}</numerusform>
        </translation>
    </message>
    <message>
        <source>Exporting inspections…</source>
        <translation>正在导出检查记录…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Preview / print report</source>
        <translation>预览/打印检验报告</translation>
    </message>
    <message>
        <source>Preview / print certificate</source>
        <translation>预览/打印合格证</translation>
    </message>
    <message>
        <source>Preview / print rectification notice</source>
        <translation>预览/打印整改通知书</translation>
    </message>
    <message>
        <source>Review…</source>
        <translation>审核…</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Any verdict</source>
        <translation>全部结论</translation>
    </message>
    <message>
        <source>No verdict yet</source>
        <translation>尚无结论</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Inspector (Ctrl+F)</source>
        <translation>检查员（Ctrl+F）</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Elevator</source>
        <translation>电梯</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>计价秤</translation>
    </message>
    <message>
        <source>Construction site</source>
        <translation>建筑工地</translation>
    </message>
    <message>
        <source>Elevators</source>
        <translation>电梯</translation>
    </message>
    <message>
        <source>Scales</source>
        <translation>计价秤</translation>
    </message>
    <message>
        <source>Construction sites</source>
        <translation>建筑工地</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>已签署</translation>
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
        <source>Pass on re-inspection</source>
        <translation>复检合格</translation>
    </message>
    <message>
        <source>Pass after rectification</source>
        <translation>整改后合格</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>优良</translation>
    </message>
    <message>
        <source>Periodic inspection</source>
        <translation>定期检验</translation>
    </message>
    <message>
        <source>Self-test</source>
        <translation>自行检测</translation>
    </message>
    <message>
        <source>Verification expires</source>
        <translation>检定到期</translation>
    </message>
    <message>
        <source>Re-inspection</source>
        <translation>复检</translation>
    </message>
    <message>
        <source>Returned by review</source>
        <translation>审核退回</translation>
    </message>
    <message>
        <source>Next inspection</source>
        <translation>下次检查</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>审核通过</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>To review</source>
        <translation>待审核</translation>
    </message>
    <message>
        <source>1 day overdue</source>
        <translation>逾期1天</translation>
    </message>
    <message>
        <source>{0} days overdue</source>
        <translation>逾期{0}天</translation>
    </message>
    <message>
        <source>due today</source>
        <translation>今天到期</translation>
    </message>
    <message>
        <source>in 1 day</source>
        <translation>还有1天</translation>
    </message>
    <message>
        <source>in {0} days</source>
        <translation>还有{0}天</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Editor not available</source>
        <translation>检查表编辑器不可用</translation>
    </message>
    <message>
        <source>The checklist editor is not installed in this build.</source>
        <translation>此版本未安装检查表编辑器。</translation>
    </message>
    <message>
        <source>Inspection</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Database: {0}</source>
        <translation>数据库：{0}</translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) not yet synced</source>
        <translation>
            <numerusform>%n 项未同步</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unsigned</source>
        <translation>
            <numerusform>%n 项未签署</numerusform>
        </translation>
    </message>
    <message>
        <source>Ctrl+1 … Ctrl+7: Today, Subjects, Inspections, Scales, Sync, Statistics, Settings</source>
        <translation>Ctrl+1 … Ctrl+7：今日、检查对象、检查记录、计价秤、同步、统计、设置</translation>
    </message>
    <message>
        <source>Ctrl+N: new inspection</source>
        <translation>Ctrl+N：新建检查</translation>
    </message>
    <message>
        <source>Ctrl+F: search</source>
        <translation>Ctrl+F：搜索</translation>
    </message>
    <message>
        <source>Ctrl+Shift+Y: sync now</source>
        <translation>Ctrl+Shift+Y：立即同步</translation>
    </message>
    <message>
        <source>Enter or double-click: open the selected inspection</source>
        <translation>回车或双击：打开选中的检查</translation>
    </message>
    <message>
        <source>F5: refresh</source>
        <translation>F5：刷新</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>About QCity Inspector</source>
        <translation>关于 QCity 检查助手</translation>
    </message>
    <message>
        <source>QCity Inspector — offline inspections of elevators, market scales and construction sites.
Database: {0}</source>
        <translation>QCity 检查助手——电梯、市场计价秤和建筑工地的离线检查。
数据库：{0}</translation>
    </message>
    <message>
        <source>QCity Inspector</source>
        <translation>QCity 检查助手</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今日</translation>
    </message>
    <message>
        <source>Subjects</source>
        <translation>检查对象</translation>
    </message>
    <message>
        <source>Inspections</source>
        <translation>检查记录</translation>
    </message>
    <message>
        <source>Scales</source>
        <translation>计价秤</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;New inspection…</source>
        <translation>新建检查(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>搜索(&amp;S)</translation>
    </message>
    <message>
        <source>S&amp;ync now</source>
        <translation>立即同步(&amp;Y)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
</context>
<context>
    <name>MonthChart</name>
    <message>
        <source>No signed inspections in this period</source>
        <translation>期间内没有已签署的检验</translation>
    </message>
    <message>
        <source>target %1%</source>
        <translation>目标 %1%</translation>
    </message>
</context>
<context>
    <name>NewInspectionDialog</name>
    <message>
        <source>Choose a subject from the list.</source>
        <translation>请从列表中选择检查对象。</translation>
    </message>
    <message>
        <source>Subject: {0} — {1}</source>
        <translation>检查对象：{0} — {1}</translation>
    </message>
    <message>
        <source>Enter the inspector's name.</source>
        <translation>请填写检查员姓名。</translation>
    </message>
    <message>
        <source>New inspection</source>
        <translation>新建检查</translation>
    </message>
    <message>
        <source>New re-inspection</source>
        <translation>新建复检</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Find subject</source>
        <translation>查找对象</translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation>检查表</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检查员</translation>
    </message>
    <message>
        <source>Name, address, registration code, serial no. …</source>
        <translation>名称、地址、注册代码、出厂编号…</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
</context>
<context>
    <name>PlaceholderPage</name>
    <message>
        <source>Scales</source>
        <translation>计价秤</translation>
    </message>
    <message>
        <source>The guided scale test (serial connection, weighing points, anti-cheat checks) will appear here.</source>
        <translation>计价秤引导检测（串口连接、称量点、防作弊检查）将显示在这里。</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Synchronisation with the bureau's hub will appear here. Everything is stored on this computer meanwhile; nothing needs the network.</source>
        <translation>与局中心服务器的同步将显示在这里。在此之前所有数据都保存在本机，无需网络。</translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>审核人</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>意见</translation>
    </message>
    <message>
        <source>Required when returning: what the inspector must correct</source>
        <translation>退回时必填：检验员需要更正什么</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>审核通过</translation>
    </message>
    <message>
        <source>Return to the inspector</source>
        <translation>退回检验员</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Reviews so far (a review is never changed; add a new one)</source>
        <translation>审核记录（审核意见不可修改，可追加新的审核）</translation>
    </message>
    <message>
        <source>%1 — %2, signed by %3 on %4; report %5</source>
        <translation>%1 — %2，%3 于 %4 签署；报告编号 %5</translation>
    </message>
    <message>
        <source>Only signed inspections are reviewed.</source>
        <translation>只有已签署的检验才能审核。</translation>
    </message>
    <message>
        <source>Enter the reviewer's name.</source>
        <translation>请填写审核人姓名。</translation>
    </message>
    <message>
        <source>Say what must be corrected before returning it.</source>
        <translation>退回前请写明需要更正的内容。</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Unsaved changes</source>
        <translation>有未保存的更改</translation>
    </message>
    <message>
        <source>Saved to {0}</source>
        <translation>已保存到 {0}</translation>
    </message>
    <message>
        <source>Database: {0}</source>
        <translation>数据库：{0}</translation>
    </message>
    <message>
        <source>Settings file: {0}</source>
        <translation>设置文件：{0}</translation>
    </message>
    <message>
        <source>Log file: {0}</source>
        <translation>日志文件：{0}</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检查员</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报告</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Today page looks ahead (days)</source>
        <translation>“今日”页提前显示（天）</translation>
    </message>
    <message>
        <source>Inspector name</source>
        <translation>检查员姓名</translation>
    </message>
    <message>
        <source>Inspector ID</source>
        <translation>检查员编号</translation>
    </message>
    <message>
        <source>Bureau</source>
        <translation>所属单位</translation>
    </message>
    <message>
        <source>Largest photo side</source>
        <translation>照片最长边</translation>
    </message>
    <message>
        <source>JPEG quality</source>
        <translation>JPEG 质量</translation>
    </message>
    <message>
        <source>Paper size</source>
        <translation>纸张大小</translation>
    </message>
    <message>
        <source>Photos in reports</source>
        <translation>报告中的照片</translation>
    </message>
    <message>
        <source>Photos per page</source>
        <translation>每页照片数</translation>
    </message>
    <message>
        <source>Open PDF after export</source>
        <translation>导出后打开 PDF</translation>
    </message>
    <message>
        <source>Hub address</source>
        <translation>中心服务器地址</translation>
    </message>
    <message>
        <source>Automatic sync</source>
        <translation>自动同步</translation>
    </message>
    <message>
        <source>Include</source>
        <translation>包含</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Off (sync only on demand)</source>
        <translation>关闭（仅手动同步）</translation>
    </message>
    <message>
        <source>Every hour</source>
        <translation>每小时</translation>
    </message>
    <message numerus="yes">
        <source>Every %n minute(s)</source>
        <translation>
            <numerusform>每 %n 分钟</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatsPage</name>
    <message>
        <source>Pass rate</source>
        <translation>合格率</translation>
    </message>
    <message>
        <source>Inspected</source>
        <translation>检验数</translation>
    </message>
    <message>
        <source>Passed</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>检验对象</translation>
    </message>
    <message>
        <source>Failures</source>
        <translation>不合格次数</translation>
    </message>
    <message>
        <source>Last failed</source>
        <translation>最近不合格</translation>
    </message>
    <message>
        <source>Open findings</source>
        <translation>未整改</translation>
    </message>
    <message>
        <source>The period starts after it ends.</source>
        <translation>开始日期晚于结束日期。</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>No signed inspections in this period</source>
        <translation>期间内没有已签署的检验</translation>
    </message>
    <message>
        <source>meets the target</source>
        <translation>达到目标</translation>
    </message>
    <message>
        <source>below the target</source>
        <translation>未达到目标</translation>
    </message>
    <message>
        <source>pass rate, %1 %2%</source>
        <translation>合格率，%1 %2%</translation>
    </message>
    <message>
        <source>%1 signed inspections, %2 passed, %3 failed</source>
        <translation>已签署检验 %1 次，合格 %2 次，不合格 %3 次</translation>
    </message>
    <message>
        <source>re-inspections %1 (not counted)</source>
        <translation>复检 %1 次（不计入）</translation>
    </message>
    <message>
        <source>completed but unsigned %1 (not counted)</source>
        <translation>已完成未签署 %1 次（不计入）</translation>
    </message>
    <message>
        <source>open findings %1, overdue %2</source>
        <translation>整改未关闭 %1 项，逾期 %2 项</translation>
    </message>
    <message>
        <source>to review %1</source>
        <translation>待审核 %1 项</translation>
    </message>
    <message>
        <source>Export statistics</source>
        <translation>导出统计</translation>
    </message>
    <message>
        <source>Spreadsheet (*.csv)</source>
        <translation>表格文件 (*.csv)</translation>
    </message>
    <message>
        <source>Exported %1 rows to %2</source>
        <translation>已导出 %1 行到 %2</translation>
    </message>
    <message>
        <source>Print statistics sheet</source>
        <translation>打印统计表</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>This quarter</source>
        <translation>本季度</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>本年</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>近12个月</translation>
    </message>
    <message>
        <source>Custom period</source>
        <translation>自定义期间</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Statistics sheet (PDF)…</source>
        <translation>统计表 PDF…</translation>
    </message>
    <message>
        <source>Pass rate by month (dashed: target)</source>
        <translation>按月合格率（虚线为目标）</translation>
    </message>
    <message>
        <source>By kind</source>
        <translation>按类型</translation>
    </message>
    <message>
        <source>By district</source>
        <translation>按区县</translation>
    </message>
    <message>
        <source>Repeat offenders: failed twice or more in the period</source>
        <translation>重复不合格：期间内不合格 2 次及以上</translation>
    </message>
</context>
<context>
    <name>SubjectForm</name>
    <message>
        <source>Passenger</source>
        <translation>乘客电梯</translation>
    </message>
    <message>
        <source>Goods</source>
        <translation>载货电梯</translation>
    </message>
    <message>
        <source>Side opening</source>
        <translation>旁开门</translation>
    </message>
    <message>
        <source>Centre opening</source>
        <translation>中分门</translation>
    </message>
    <message>
        <source>TSG T7001-2009</source>
        <translation>TSG T7001-2009</translation>
    </message>
    <message>
        <source>TSG T7001-2023</source>
        <translation>TSG T7001-2023</translation>
    </message>
    <message>
        <source>Intact</source>
        <translation>完好</translation>
    </message>
    <message>
        <source>Broken</source>
        <translation>破损</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <source>{0} is required</source>
        <translation>请填写{0}</translation>
    </message>
    <message>
        <source>Can be saved, but please check:</source>
        <translation>可以保存，但请核对：</translation>
    </message>
    <message>
        <source>Discard changes?</source>
        <translation>放弃更改？</translation>
    </message>
    <message>
        <source>The changes in this form have not been saved. Discard them?</source>
        <translation>此表单中的更改尚未保存。要放弃吗？</translation>
    </message>
    <message>
        <source>Edit {0}</source>
        <translation>编辑{0}</translation>
    </message>
    <message>
        <source>New {0}</source>
        <translation>新增{0}</translation>
    </message>
</context>
<context>
    <name>SubjectsModel</name>
    <message>
        <source>Next due</source>
        <translation>下次到期</translation>
    </message>
</context>
<context>
    <name>SubjectsPage</name>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>检查表</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Certificate no.</source>
        <translation>证书编号</translation>
    </message>
    <message>
        <source>All districts</source>
        <translation>全部区县</translation>
    </message>
    <message numerus="yes">
        <source>%n subject(s)</source>
        <translation>
            <numerusform>共 %n 个</numerusform>
        </translation>
    </message>
    <message>
        <source>Inspection history (select a subject)</source>
        <translation>检查历史（请选择一个对象）</translation>
    </message>
    <message>
        <source>Inspection history of {0}</source>
        <translation>{0} 的检查历史</translation>
    </message>
    <message>
        <source>Saved with warnings</source>
        <translation>已保存（有提示）</translation>
    </message>
    <message>
        <source>Search name, address, registration code, serial no. … (Ctrl+F)</source>
        <translation>搜索名称、地址、注册代码、出厂编号…（Ctrl+F）</translation>
    </message>
    <message>
        <source>Any due date</source>
        <translation>全部到期状态</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <source>Due within {0} days</source>
        <translation>{0} 天内到期</translation>
    </message>
    <message>
        <source>No due date</source>
        <translation>无到期日期</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>新增…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>New inspection</source>
        <translation>新建检查</translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message>
        <source>Due date</source>
        <translation>到期日</translation>
    </message>
    <message>
        <source>When</source>
        <translation>剩余</translation>
    </message>
    <message>
        <source>What</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>检查对象</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>检查表</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>已答项</translation>
    </message>
    <message numerus="yes">
        <source>%n overdue</source>
        <translation>
            <numerusform>%n 项已逾期</numerusform>
        </translation>
    </message>
    <message>
        <source>Today — {0}</source>
        <translation>今日 — {0}</translation>
    </message>
    <message>
        <source>Due and overdue (next {0} days)</source>
        <translation>到期和逾期（未来 {0} 天）</translation>
    </message>
    <message>
        <source>In progress: drafts and unsigned inspections</source>
        <translation>进行中：草稿和未签署的检查</translation>
    </message>
    <message>
        <source>Start inspection</source>
        <translation>开始检查</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
</context>
<context>
    <name>Workers</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
</TS>
